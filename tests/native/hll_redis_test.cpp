// core/hll against a real redis-server: after the same PFADDs the bytes of GET equal ours, every
// PFCOUNT (one key or several) equals our count, PFMERGE gives our merge's bytes, our bytes loaded
// with SET count the same in Redis, and what Redis rejects as a corrupt HyperLogLog our loader
// rejects too.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/hll.hpp"
#include "tests/support/redis_server.hpp"

using ie::HllCorruptError;
using ie::HyperLogLog;
using ie::HyperLogLogUnion;
using ie::test::RedisClient;
using ie::test::RedisReply;
using ie::test::RedisServer;

namespace {

// Ids as counters store them, UTF-8 text, arbitrary bytes (NUL, CR, LF included) and the empty string.
std::string random_value(std::mt19937_64& rng) {
  static const char* const pieces[] = {"é", "ß", "日本", "😀", "user", "-", "Ω", " ", "\xce\xbb"};
  std::string value;
  switch (rng() % 8) {
    case 0:
    case 1:
    case 2:
      return std::to_string(rng() % 1000000000);
    case 3:
      for (auto n = rng() % 6; n > 0; --n) value += pieces[rng() % std::size(pieces)];
      return value;
    case 4:
      for (auto n = rng() % 41; n > 0; --n) value += static_cast<char>(rng() & 0xff);
      return value;
    case 5:
      return rng() % 64 == 0 ? std::string() : "user-" + std::to_string(rng());
    default:
      return std::to_string(rng());
  }
}

std::vector<std::string> random_values(std::mt19937_64& rng, std::size_t count) {
  std::vector<std::string> values;
  values.reserve(count);
  for (std::size_t i = 0; i < count; ++i) values.push_back(random_value(rng));
  if (count > 1) values[rng() % count] = "";  // the empty string is a value like any other
  return values;
}

// PFADD of `values` in commands of `per_command` values, pipelined; the replies, in order. With no
// values, one PFADD without elements, which creates the key.
std::vector<long long> pfadd(RedisClient& redis, const std::string& key, const std::vector<std::string>& values,
                             std::size_t per_command) {
  std::vector<long long> replies;
  if (values.empty()) {
    replies.push_back(redis.command({"PFADD", key}).integer);
    return replies;
  }
  std::size_t pending = 0;
  auto drain = [&] {
    for (; pending > 0; --pending) {
      const RedisReply reply = redis.read_reply();
      REQUIRE_MESSAGE(reply.type == RedisReply::Type::integer, reply.text);
      replies.push_back(reply.integer);
    }
  };
  for (std::size_t from = 0; from < values.size(); from += per_command) {
    std::vector<std::string> command{"PFADD", key};
    const std::size_t to = std::min(values.size(), from + per_command);
    command.insert(command.end(), values.begin() + static_cast<std::ptrdiff_t>(from),
                   values.begin() + static_cast<std::ptrdiff_t>(to));
    redis.append(command);
    if (++pending == 256) drain();
  }
  drain();
  return replies;
}

// Ours: add() per value, and the replies PFADD would give for the same commands.
std::vector<long long> add_all(HyperLogLog& hll, const std::vector<std::string>& values, std::size_t per_command,
                               bool created) {
  std::vector<long long> replies;
  if (values.empty()) {
    replies.push_back(created ? 1 : 0);
    return replies;
  }
  for (std::size_t from = 0; from < values.size(); from += per_command) {
    bool changed = created && from == 0;  // PFADD on a missing key answers 1
    for (std::size_t i = from; i < std::min(values.size(), from + per_command); ++i) changed = hll.add(values[i]) || changed;
    replies.push_back(changed ? 1 : 0);
  }
  return replies;
}

std::string get(RedisClient& redis, const std::string& key) {
  const RedisReply reply = redis.command({"GET", key});
  REQUIRE_MESSAGE(reply.type == RedisReply::Type::string, key << ": " << reply.text);
  return reply.text;
}

long long pfcount(RedisClient& redis, const std::vector<std::string>& keys) {
  std::vector<std::string> command{"PFCOUNT"};
  command.insert(command.end(), keys.begin(), keys.end());
  const RedisReply reply = redis.command(command);
  REQUIRE_MESSAGE(reply.type == RedisReply::Type::integer, reply.text);
  return reply.integer;
}

void config_sparse_max_bytes(RedisClient& redis, std::size_t limit) {
  REQUIRE(redis.command({"CONFIG", "SET", "hll-sparse-max-bytes", std::to_string(limit)}).text == "OK");
}

// Where two HyperLogLog strings first differ, readable (the strings themselves are up to 12 KB).
std::string difference(const std::string& redis, const std::string& ours) {
  auto encoding = [](const std::string& s) { return s.size() > 4 ? (s[4] == 0 ? "dense" : "sparse") : "?"; };
  std::size_t at = 0;
  while (at < redis.size() && at < ours.size() && redis[at] == ours[at]) ++at;
  return "redis: " + std::to_string(redis.size()) + " bytes " + encoding(redis) + ", ours: " +
         std::to_string(ours.size()) + " bytes " + encoding(ours) + ", first difference at byte " + std::to_string(at);
}

void check_same_bytes(RedisClient& redis, const std::string& key, const HyperLogLog& ours) {
  const std::string theirs = get(redis, key);
  const std::string mine = ours.to_redis_bytes();
  CHECK_MESSAGE(theirs == mine, key << ": " << difference(theirs, mine));
}

struct BuiltKey {
  std::string key;
  HyperLogLog hll;
};

}  // namespace

TEST_CASE("after the same PFADDs, GET and PFCOUNT equal our bytes and count, for every sparse limit") {
  RedisServer server;
  RedisClient redis(server);
  std::mt19937_64 rng(20250701);
  const std::size_t sizes[] = {0, 1, 10, 100, 1000, 3000, 10000, 100000};

  for (const std::size_t limit : {100, 500, 3000, 10000}) {
    CAPTURE(limit);
    config_sparse_max_bytes(redis, limit);
    std::vector<BuiltKey> built;
    std::vector<std::size_t> these(std::begin(sizes), std::end(sizes));
    if (limit == 3000) these.push_back(1000000);  // Redis's default limit carries the largest set

    for (const std::size_t size : these) {
      CAPTURE(size);
      const std::string key = "hll:" + std::to_string(limit) + ":" + std::to_string(size);
      const auto values = random_values(rng, size);
      // Small sets one value per PFADD, so every reply checks one add(); large ones in batches.
      const std::size_t per_command = size <= 3000 ? 1 : 1000;
      HyperLogLog hll(limit);
      CHECK(add_all(hll, values, per_command, true) == pfadd(redis, key, values, per_command));
      check_same_bytes(redis, key, hll);  // cache invalid, as PFADD leaves it

      CHECK(static_cast<long long>(hll.count()) == pfcount(redis, {key}));
      check_same_bytes(redis, key, hll);  // cache written back by PFCOUNT

      // Some old and some new values: the cache bit is set again, the old count bits stay.
      std::vector<std::string> more(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(size, 5)));
      for (const auto& value : random_values(rng, 5)) more.push_back(value);
      CHECK(add_all(hll, more, 1, false) == pfadd(redis, key, more, 1));
      check_same_bytes(redis, key, hll);
      CHECK(static_cast<long long>(hll.count()) == pfcount(redis, {key}));

      // Redis's bytes loaded here keep growing exactly as Redis's do.
      HyperLogLog loaded = HyperLogLog::from_redis_bytes(get(redis, key), limit);
      const auto extra = random_values(rng, 300);
      CHECK(add_all(loaded, extra, 1, false) == pfadd(redis, key, extra, 1));
      check_same_bytes(redis, key, loaded);
      add_all(hll, extra, 1, false);
      CHECK(hll.to_redis_bytes() == loaded.to_redis_bytes());
      CHECK(static_cast<long long>(hll.count()) == pfcount(redis, {key}));
      built.push_back({key, std::move(hll)});
    }

    // Multi-key PFCOUNT equals our union and leaves the keys alone; PFMERGE equals merge().
    const std::vector<std::vector<std::size_t>> groups = {
        {0, 1}, {1, 2, 3}, {3, 4, 5}, {4, 5, 6, 7}, {2, 7}, {0, 1, 2, 3, 4, 5, 6, 7}};
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& group = groups[g];
      std::vector<std::string> keys;
      HyperLogLogUnion ours;
      std::vector<std::string> before;
      for (const std::size_t i : group) {
        keys.push_back(built[i].key);
        ours.add(built[i].hll);
        before.push_back(get(redis, built[i].key));
      }
      CAPTURE(keys.size());
      CHECK(static_cast<long long>(ours.count()) == pfcount(redis, keys));
      for (std::size_t i = 0; i < keys.size(); ++i) CHECK(get(redis, keys[i]) == before[i]);

      // PFMERGE into a new key, and into the first source itself.
      const std::string merged_key = "merged:" + std::to_string(limit) + ":" + std::to_string(g);
      std::vector<std::string> command{"PFMERGE", merged_key};
      command.insert(command.end(), keys.begin(), keys.end());
      REQUIRE(redis.command(command).text == "OK");
      std::vector<const HyperLogLog*> sources;
      for (const std::size_t i : group) sources.push_back(&built[i].hll);
      HyperLogLog merged(limit);
      merged.merge(sources);
      check_same_bytes(redis, merged_key, merged);
      CHECK(static_cast<long long>(merged.count()) == pfcount(redis, {merged_key}));

      std::vector<std::string> into_first{"PFMERGE", keys[0]};
      into_first.insert(into_first.end(), keys.begin() + 1, keys.end());
      REQUIRE(redis.command(into_first).text == "OK");
      HyperLogLog& first = built[group[0]].hll;
      first.merge(std::span<const HyperLogLog* const>(sources).subspan(1));
      check_same_bytes(redis, keys[0], first);
    }
  }

  // The 1,000,000-value key read back by the loader.
  const std::string big = get(redis, "hll:3000:1000000");
  HyperLogLog loaded = HyperLogLog::from_redis_bytes(big);
  CHECK(static_cast<long long>(loaded.count()) == pfcount(redis, {"hll:3000:1000000"}));
}

TEST_CASE("a 28-day metric: the union of four overlapping weekly keys, sparse and dense mixed") {
  RedisServer server;
  RedisClient redis(server);
  // Week w sees users [w * 600, w * 600 + size): consecutive weeks share most of their users.
  const std::size_t sizes[] = {300, 1500, 4000, 900};
  std::vector<HyperLogLog> weeks;
  std::vector<std::string> keys;
  for (std::size_t w = 0; w < 4; ++w) {
    std::vector<std::string> users;
    for (std::size_t user = w * 600; user < w * 600 + sizes[w]; ++user) users.push_back(std::to_string(user));
    keys.push_back("{hll_counters}_create_merge_request-user-2025-0" + std::to_string(w + 1));
    weeks.emplace_back();
    add_all(weeks.back(), users, 1, true);
    pfadd(redis, keys.back(), users, 100);
    check_same_bytes(redis, keys.back(), weeks.back());
  }
  HyperLogLogUnion ours;
  for (const auto& week : weeks) ours.add(week);
  CHECK(static_cast<long long>(ours.count()) == pfcount(redis, keys));

  std::vector<std::string> merge{"PFMERGE", "28d"};
  merge.insert(merge.end(), keys.begin(), keys.end());
  REQUIRE(redis.command(merge).text == "OK");
  std::vector<const HyperLogLog*> sources;
  for (const auto& week : weeks) sources.push_back(&week);
  HyperLogLog merged;
  merged.merge(sources);
  check_same_bytes(redis, "28d", merged);
}

TEST_CASE("the test RedisServer: config lines apply, stop() and start() keep the port") {
  ie::test::RedisServerOptions options;
  options.config = {"hll-sparse-max-bytes 100"};
  RedisServer server(options);
  const int port = server.port();
  {
    RedisClient redis(server);
    CHECK(redis.command({"CONFIG", "GET", "hll-sparse-max-bytes"}).elements.at(1).text == "100");
    CHECK(redis.command({"SET", "key", std::string("a\0b", 3)}).text == "OK");
    CHECK(redis.command({"GET", "key"}).text == std::string("a\0b", 3));
    CHECK(redis.command({"NO-SUCH-COMMAND"}).is_error());
  }
  server.stop();
  CHECK_FALSE(server.running());
  CHECK_THROWS_AS(RedisClient(server.host(), port, std::chrono::milliseconds(200)), ie::test::RedisClientError);
  server.start();
  CHECK(server.port() == port);
  RedisClient again(server);
  CHECK(again.command({"PING"}).text == "PONG");
  CHECK(again.command({"GET", "key"}).type == RedisReply::Type::nil);  // nothing was saved
  CHECK(again.command({"CONFIG", "GET", "hll-sparse-max-bytes"}).elements.at(1).text == "100");
}

TEST_CASE("our bytes written with SET count the same in Redis") {
  RedisServer server;
  RedisClient redis(server);
  std::mt19937_64 rng(7);
  for (const std::size_t size : {0, 1, 10, 100, 1000, 3000, 20000}) {
    CAPTURE(size);
    HyperLogLog hll;
    for (const auto& value : random_values(rng, size)) hll.add(value);
    const std::string key = "set:" + std::to_string(size);
    REQUIRE(redis.command({"SET", key, hll.to_redis_bytes()}).text == "OK");
    CHECK(static_cast<long long>(hll.estimate()) == pfcount(redis, {key}));
    CHECK(static_cast<long long>(hll.count()) == pfcount(redis, {key}));
    check_same_bytes(redis, key, hll);

    // A valid cache is believed, by Redis and by us, even when it is not the estimate.
    std::string cached = hll.to_redis_bytes();
    cached[8] = static_cast<char>(42);
    cached.replace(9, 7, 7, '\0');
    REQUIRE(redis.command({"SET", key, cached}).text == "OK");
    HyperLogLog believed = HyperLogLog::from_redis_bytes(cached);
    CHECK(pfcount(redis, {key}) == 42);
    CHECK(believed.count() == 42);
  }
}

TEST_CASE("many small sets: every PFADD reply equals add()'s, and the bytes match, at every limit") {
  RedisServer server;
  RedisClient redis(server);
  std::mt19937_64 rng(99);
  for (const std::size_t limit : {0, 30, 100, 500, 3000}) {
    CAPTURE(limit);
    config_sparse_max_bytes(redis, limit);
    for (int set = 0; set < 60; ++set) {
      const std::string key = "small:" + std::to_string(limit) + ":" + std::to_string(set);
      const auto values = random_values(rng, rng() % 400);
      HyperLogLog hll(limit);
      CHECK(add_all(hll, values, 1, true) == pfadd(redis, key, values, 1));
      check_same_bytes(redis, key, hll);
      CHECK(static_cast<long long>(hll.count()) == pfcount(redis, {key}));
    }
  }
}

TEST_CASE("lowering hll-sparse-max-bytes turns a key dense at its next growing edit, as in Redis") {
  RedisServer server;
  RedisClient redis(server);
  config_sparse_max_bytes(redis, 3000);
  HyperLogLog hll(3000);
  const std::vector<std::string> first = {"a", "b", "c", "d", "e", "d", "g", "h", "i", "j", "k"};
  add_all(hll, first, first.size(), true);
  pfadd(redis, "hll", first, first.size());
  CHECK(hll.encoding() == HyperLogLog::Encoding::sparse);
  config_sparse_max_bytes(redis, 30);
  hll.set_sparse_max_bytes(30);
  CHECK(add_all(hll, {"new_element"}, 1, false) == pfadd(redis, "hll", {"new_element"}, 1));
  CHECK(hll.encoding() == HyperLogLog::Encoding::dense);
  check_same_bytes(redis, "hll", hll);
}

TEST_CASE("a register value over 32 turns a sparse key dense, as in Redis") {
  RedisServer server;
  RedisClient redis(server);
  // Pattern length 33 (3130853818 as 8 little-endian bytes): more than a VAL opcode holds.
  const std::vector<std::string> values = {"a", "b", std::string("\xba\x09\x9d\xba\x00\x00\x00\x00", 8), "c"};
  HyperLogLog hll;
  CHECK(add_all(hll, values, 1, true) == pfadd(redis, "hll", values, 1));
  CHECK(hll.encoding() == HyperLogLog::Encoding::dense);
  check_same_bytes(redis, "hll", hll);
  CHECK(static_cast<long long>(hll.count()) == pfcount(redis, {"hll"}));
}

TEST_CASE("registers() lists what PFDEBUG GETREG lists") {
  RedisServer server;
  RedisClient redis(server);
  std::mt19937_64 rng(5);
  for (const std::size_t size : {10, 2000, 50000}) {
    HyperLogLog hll;
    for (const auto& value : random_values(rng, size)) hll.add(value);
    REQUIRE(redis.command({"SET", "copy", hll.to_redis_bytes()}).text == "OK");
    const RedisReply registers = redis.command({"PFDEBUG", "GETREG", "copy"});
    REQUIRE(registers.elements.size() == HyperLogLog::kRegisters);
    const auto ours = hll.registers();
    std::size_t same = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) same += registers.elements[i].integer == ours[i] ? 1 : 0;
    CHECK(same == HyperLogLog::kRegisters);
  }
}

TEST_CASE("what Redis detects as a corrupt HyperLogLog our loader rejects") {
  RedisServer server;
  RedisClient redis(server);
  auto redis_rejects = [&](const std::string& bytes) {
    REQUIRE(redis.command({"SET", "corrupt", bytes}).text == "OK");
    return redis.command({"PFCOUNT", "corrupt", "corrupt"}).is_error();
  };
  HyperLogLog abc;
  for (const char* value : {"a", "b", "c"}) abc.add(value);
  const std::string sparse = abc.to_redis_bytes();

  SUBCASE("additional bytes at the tail") {
    const std::string corrupt = sparse + "hello";
    CHECK(redis_rejects(corrupt));
    CHECK_THROWS_AS(HyperLogLog::from_redis_bytes(corrupt), HllCorruptError);
  }
  SUBCASE("broken magic") {
    const std::string corrupt = "0123" + sparse.substr(4);
    CHECK(redis_rejects(corrupt));
    CHECK_THROWS_AS(HyperLogLog::from_redis_bytes(corrupt), HllCorruptError);
  }
  SUBCASE("invalid encoding") {
    std::string corrupt = sparse;
    corrupt[4] = 'x';
    CHECK(redis_rejects(corrupt));
    CHECK_THROWS_AS(HyperLogLog::from_redis_bytes(corrupt), HllCorruptError);
  }
  SUBCASE("dense with the wrong length") {
    std::string corrupt = sparse;
    corrupt[4] = '\0';
    CHECK(redis_rejects(corrupt));
    CHECK_THROWS_AS(HyperLogLog::from_redis_bytes(corrupt), HllCorruptError);
  }
  SUBCASE("fuzzing: random bytes overwritten in random HyperLogLogs") {
    // As Redis's own "Fuzzing dense/sparse encoding" test, with Redis as the judge of validity:
    // multi-key PFCOUNT reads every opcode, so it fails exactly for strings that are not valid.
    std::mt19937_64 rng(1234);
    int rejected = 0;
    for (int round = 0; round < 400; ++round) {
      HyperLogLog hll;
      for (const auto& value : random_values(rng, rng() % 3000)) hll.add(value);
      std::string bytes = hll.to_redis_bytes();
      for (int i = 0; i < 5; ++i) {
        bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
        if (rng() % 2 == 0) break;
      }
      CAPTURE(round);
      std::optional<HyperLogLog> ours;
      std::string error;
      try {
        ours = HyperLogLog::from_redis_bytes(bytes);
      } catch (const HllCorruptError& e) {
        error = e.what();
      }
      if (redis_rejects(bytes)) {
        ++rejected;
        CHECK(!ours);
        continue;
      }
      if (!ours) {
        // The one deliberate difference: a final XZERO cut off after its first byte. Redis reads
        // the string's terminating NUL as the second byte; we never read past the end.
        CHECK_MESSAGE(error.find("cut off") != std::string::npos, error);
        continue;
      }
      HyperLogLog& loaded = *ours;
      HyperLogLogUnion both;
      both.add(loaded);
      both.add(loaded);
      CHECK(static_cast<long long>(both.count()) == pfcount(redis, {"corrupt", "corrupt"}));
      CHECK(static_cast<long long>(loaded.count()) == pfcount(redis, {"corrupt"}));
      check_same_bytes(redis, "corrupt", loaded);
    }
    CHECK(rejected > 0);
  }
}

namespace {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

std::string read_whole(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Runs `internal-events ARGS < input` in `directory`, capturing stdout and stderr.
CommandResult run_cli(const std::filesystem::path& directory, const std::string& args, const std::string& input) {
  const auto in = directory / "stdin", out = directory / "stdout", err = directory / "stderr";
  std::ofstream(in, std::ios::binary) << input;
  const std::string command = "cd '" + directory.string() + "' && '" + std::getenv("INTERNAL_EVENTS_BINARY") + "' " +
                              args + " < stdin > stdout 2> stderr";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_whole(out), read_whole(err)};
}

}  // namespace

TEST_CASE("internal-events hll build writes Redis's bytes, hll count prints PFCOUNT's number") {
  if (!std::getenv("INTERNAL_EVENTS_BINARY")) {
    MESSAGE("INTERNAL_EVENTS_BINARY is not set (ctest sets it): skipped");
    return;
  }
  RedisServer server;
  RedisClient redis(server);
  const auto& directory = server.directory();

  // One value a line, bytes kept as they are (a '\r' too); an empty line is the empty value; no
  // value after the final newline.
  const CommandResult small = run_cli(directory, "hll build", "a\n\nb\r\n\xc3\xa9\n");
  REQUIRE(small.exit_code == 0);
  pfadd(redis, "small", {"a", "", "b\r", "\xc3\xa9"}, 4);
  CHECK(get(redis, "small") == small.out);
  CHECK(run_cli(directory, "hll build", "a\n\nb\r\n\xc3\xa9").out == small.out);  // no final newline
  CHECK(run_cli(directory, "hll build", "").out == HyperLogLog().to_redis_bytes());

  std::string ids;
  std::vector<std::string> values;
  for (int i = 0; i < 2000; ++i) {
    values.push_back(std::to_string(i * 7919));
    ids += values.back() + "\n";
  }
  config_sparse_max_bytes(redis, 100);
  pfadd(redis, "ids", values, 1);
  const CommandResult built = run_cli(directory, "hll build --sparse-max-bytes 100", ids);
  REQUIRE(built.exit_code == 0);
  CHECK(get(redis, "ids") == built.out);

  std::ofstream(directory / "small.hyll", std::ios::binary) << small.out;
  std::ofstream(directory / "ids.hyll", std::ios::binary) << built.out;
  CHECK(run_cli(directory, "hll count ids.hyll small.hyll", "").out == std::to_string(pfcount(redis, {"ids", "small"})) + "\n");
  CHECK(run_cli(directory, "hll count ids.hyll", "").out == std::to_string(pfcount(redis, {"ids"})) + "\n");

  std::ofstream(directory / "bad.hyll", std::ios::binary) << small.out << "hello";
  const CommandResult corrupt = run_cli(directory, "hll count ids.hyll bad.hyll", "");
  CHECK(corrupt.exit_code == 1);
  CHECK(corrupt.err.find("bad.hyll: corrupt HyperLogLog") != std::string::npos);
  CHECK(std::count(corrupt.err.begin(), corrupt.err.end(), '\n') == 1);
  CHECK(run_cli(directory, "hll build --sparse-max-bytes lots", "").exit_code == 2);
  CHECK(run_cli(directory, "hll count", "").exit_code == 2);
}
