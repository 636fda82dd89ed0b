// core/hll without a server: the format, add()'s answer, the cache, the promotion to dense, merges,
// and the corrupt strings of Redis's own test suite (tests/unit/hyperloglog.tcl). The byte-for-byte
// comparison with a real redis-server is tests/native/hll_redis_test.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/hll.hpp"
#include "core/murmur_hash64a.hpp"

using ie::HllCorruptError;
using ie::HyperLogLog;
using ie::HyperLogLogUnion;

namespace {

using namespace std::string_literals;

const std::string kHeaderInvalidCache = "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80"s;

std::vector<std::string> distinct_values(std::size_t count, const std::string& prefix = "v") {
  std::vector<std::string> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(prefix + std::to_string(i));
  return values;
}

HyperLogLog build(const std::vector<std::string>& values, std::size_t sparse_max_bytes = 3000) {
  HyperLogLog hll(sparse_max_bytes);
  for (const auto& value : values) hll.add(value);
  return hll;
}

std::string xzero(unsigned length) {
  return {static_cast<char>(0x40 | ((length - 1) >> 8)), static_cast<char>((length - 1) & 0xff)};
}
std::string zero(unsigned length) { return {static_cast<char>(length - 1)}; }
std::string val(unsigned value, unsigned length) {
  return {static_cast<char>(0x80 | ((value - 1) << 2) | (length - 1))};
}

// The message of the HllCorruptError that loading `bytes` throws ("" when it loads).
std::string load_error(const std::string& bytes) {
  try {
    HyperLogLog::from_redis_bytes(bytes);
  } catch (const HllCorruptError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("MurmurHash64A with Redis's seed, also at compile time") {
  static_assert(ie::murmur_hash64a("") == 0xd8dfea6585bc9732ULL);
  CHECK(ie::murmur_hash64a("a") == 0x53d2470a9b43b1a7ULL);
  CHECK(ie::murmur_hash64a("12345678") == 0x95ebb86389132953ULL);         // one full block
  CHECK(ie::murmur_hash64a("123456789abcdef") == 0x0a295e5895af07b9ULL);  // block and 7-byte tail
}

TEST_CASE("a new HyperLogLog is what PFADD creates for a missing key") {
  HyperLogLog hll;
  CHECK(hll.to_redis_bytes() == kHeaderInvalidCache + xzero(16384));
  CHECK(hll.encoding() == HyperLogLog::Encoding::sparse);
  CHECK_FALSE(hll.cached_count());
  CHECK(hll.count() == 0);
  CHECK(hll.to_redis_bytes() == "HYLL\x01\0\0\0\0\0\0\0\0\0\0\0"s + xzero(16384));
}

TEST_CASE("PFADD a b c gives Redis's bytes") {
  // As `redis-cli GET` shows them after `PFADD k a b c` on redis-server 7.0.
  CHECK(build({"a", "b", "c"}).to_redis_bytes() ==
        kHeaderInvalidCache + "\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a"s);
}

TEST_CASE("add() answers as PFADD does: true only when a register changed") {
  HyperLogLog hll;
  CHECK(hll.add("a"));
  CHECK_FALSE(hll.add("a"));
  CHECK(hll.add("b"));
  CHECK(hll.add(""));  // the empty string is a value (Redis regression test)
  CHECK_FALSE(hll.add(""));
  int changed = 0;
  for (const auto& value : distinct_values(20000)) changed += hll.add(value) ? 1 : 0;
  CHECK(changed > 0);
  CHECK(changed < 20000);  // once registers are high, most values change nothing
}

TEST_CASE("PFADD / PFCOUNT cache invalidation works") {
  HyperLogLog hll = build({"a", "b", "c"});
  CHECK(hll.count() == 3);
  CHECK(hll.to_redis_bytes()[15] == '\x00');
  CHECK(hll.cached_count() == 3u);
  hll.add("a");
  hll.add("b");
  hll.add("c");
  CHECK(hll.to_redis_bytes()[15] == '\x00');
  hll.add("1");
  hll.add("2");
  hll.add("3");
  const std::string bytes = hll.to_redis_bytes();
  CHECK(bytes[15] == '\x80');
  CHECK(bytes[8] == '\x03');  // only the top bit is set: the old count stays below it
  CHECK(hll.count() == 6);
}

TEST_CASE("PFCOUNT returns approximated cardinality of set") {
  HyperLogLog hll = build({"1", "2", "3", "4", "5"});
  CHECK(hll.count() == 5);
  for (const char* value : {"6", "7", "8", "8", "9", "10"}) hll.add(value);
  CHECK(hll.count() == 10);
}

TEST_CASE("the sparse example of the format comment decodes as described") {
  const std::string bytes = kHeaderInvalidCache + xzero(1000) + val(2, 1) + zero(19) + val(3, 2) + xzero(15362);
  const HyperLogLog hll = HyperLogLog::from_redis_bytes(bytes);
  const auto registers = hll.registers();
  CHECK(registers[1000] == 2);
  CHECK(registers[1020] == 3);
  CHECK(registers[1021] == 3);
  CHECK(std::count(registers.begin(), registers.end(), 0) == 16384 - 3);
  CHECK(hll.to_redis_bytes() == bytes);
}

TEST_CASE("HyperLogLog sparse encoding stress test: sparse and dense of the same values count the same") {
  std::mt19937_64 rng(1);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> values;
    for (auto n = rng() % 100; n > 0; --n) values.push_back(std::to_string(rng()));
    HyperLogLog sparse = build(values);
    HyperLogLog dense = build(values, 0);  // a limit of 0 bytes turns it dense at the first value
    CHECK(sparse.encoding() == HyperLogLog::Encoding::sparse);
    if (!values.empty()) CHECK(dense.encoding() == HyperLogLog::Encoding::dense);
    CHECK(sparse.registers() == dense.registers());
    CHECK(sparse.count() == dense.count());
  }
}

TEST_CASE("HyperLogLogs are promoted from sparse to dense, and stay accurate") {
  HyperLogLog hll;
  std::mt19937_64 rng(2);
  for (std::size_t n = 100; n <= 100000; n += 100) {
    for (int j = 0; j < 100; ++j) hll.add(std::to_string(rng()));
    const double count = static_cast<double>(hll.count());
    CHECK(std::abs(count - static_cast<double>(n)) < count / 100 * 5);
    if (n < 1000) CHECK(hll.encoding() == HyperLogLog::Encoding::sparse);
    if (n > 10000) CHECK(hll.encoding() == HyperLogLog::Encoding::dense);
  }
}

TEST_CASE("HyperLogLogs turn dense at each sparse limit, never growing past it while sparse") {
  for (const std::size_t limit : {100, 500, 3000}) {
    CAPTURE(limit);
    HyperLogLog hll(limit);
    std::mt19937_64 rng(limit);
    while (hll.encoding() == HyperLogLog::Encoding::sparse) {
      CHECK(hll.size_bytes() <= limit);
      for (int j = 0; j < 10; ++j) hll.add(std::to_string(rng()));
    }
    CHECK(hll.size_bytes() == HyperLogLog::kDenseBytes);
  }
}

TEST_CASE("a register value over 32 turns a sparse HyperLogLog dense") {
  // These 8 bytes (3130853818 as a little-endian integer, found by search) hash to a pattern length
  // of 33, which no VAL opcode can hold.
  const std::string long_pattern = "\xba\x09\x9d\xba\x00\x00\x00\x00"s;
  HyperLogLog hll = build({"a", "b"});
  REQUIRE(hll.encoding() == HyperLogLog::Encoding::sparse);
  CHECK(hll.add(long_pattern));
  CHECK(hll.encoding() == HyperLogLog::Encoding::dense);
  const auto registers = hll.registers();
  CHECK(*std::max_element(registers.begin(), registers.end()) == 33);
  CHECK(hll.count() == 3);
}

TEST_CASE("the sparse index changes no byte: a HyperLogLog loaded afresh before every add agrees") {
  // A freshly loaded HyperLogLog has no index yet and walks the opcodes from the start, as Redis does.
  std::mt19937_64 rng(4);
  for (const std::size_t limit : {300, 3000, 20000}) {
    CAPTURE(limit);
    HyperLogLog indexed(limit);
    std::string reference = indexed.to_redis_bytes();
    for (int i = 0; i < 4000 && indexed.encoding() == HyperLogLog::Encoding::sparse; ++i) {
      const std::string value = std::to_string(rng() % 5000);  // repeats too, for the no-change path
      HyperLogLog fresh = HyperLogLog::from_redis_bytes(reference, limit);
      const bool changed = fresh.add(value);
      REQUIRE(indexed.add(value) == changed);
      reference = fresh.to_redis_bytes();
      REQUIRE(indexed.to_redis_bytes() == reference);
    }
  }
}

TEST_CASE("lowering the sparse limit applies at the next edit that grows the string") {
  HyperLogLog hll = build({"a", "b", "c", "d", "e", "d", "g", "h", "i", "j", "k"});
  CHECK(hll.encoding() == HyperLogLog::Encoding::sparse);
  hll.set_sparse_max_bytes(30);
  hll.add("new_element");
  CHECK(hll.encoding() == HyperLogLog::Encoding::dense);
}

TEST_CASE("round trip through Redis's bytes, sparse and dense, with and without a valid cache") {
  for (const std::size_t size : {0, 1, 100, 5000, 50000}) {
    HyperLogLog hll = build(distinct_values(size));
    for (int pass = 0; pass < 2; ++pass) {
      const std::string bytes = hll.to_redis_bytes();
      HyperLogLog loaded = HyperLogLog::from_redis_bytes(bytes);
      CHECK(loaded.to_redis_bytes() == bytes);
      CHECK(loaded.encoding() == hll.encoding());
      CHECK(loaded.registers() == hll.registers());
      CHECK(loaded.estimate() == hll.estimate());
      hll.count();  // second pass: the cache is valid
    }
  }
}

TEST_CASE("count() reads a valid cache and writes an invalid one; estimate() touches neither") {
  HyperLogLog hll = build(distinct_values(1000));
  const std::uint64_t estimate = hll.estimate();
  CHECK_FALSE(hll.cached_count());
  CHECK(hll.count() == estimate);
  CHECK(hll.cached_count() == estimate);

  std::string bytes = hll.to_redis_bytes();
  bytes[8] = 7;
  bytes.replace(9, 7, 7, '\0');
  HyperLogLog lied_to = HyperLogLog::from_redis_bytes(bytes);
  CHECK(lied_to.count() == 7);  // as PFCOUNT: a valid cache is believed
  CHECK(lied_to.estimate() == estimate);
}

TEST_CASE("merge and union: the maxima of the registers, dense when any input is") {
  const auto a = distinct_values(3000, "a");
  const auto b = distinct_values(3000, "b");
  std::vector<std::string> both = a;
  both.insert(both.end(), b.begin(), b.end());
  const HyperLogLog ha = build(a);
  const HyperLogLog hb = build(b);
  const HyperLogLog hboth = build(both);

  HyperLogLogUnion all;
  all.add(ha);
  all.add(hb);
  CHECK(all.count() == hboth.estimate());

  HyperLogLog merged = build(a);
  merged.merge(hb);
  CHECK(merged.registers() == hboth.registers());
  CHECK(merged.estimate() == hboth.estimate());
  CHECK_FALSE(merged.cached_count());

  HyperLogLog small = build({"x", "y"});
  const HyperLogLog dense = build({"z"}, 0);
  small.merge(dense);
  CHECK(small.encoding() == HyperLogLog::Encoding::dense);
  CHECK(small.count() == 3);

  // PFMERGE into a missing key from sparse sources stays sparse while it fits.
  const HyperLogLog sa = build(distinct_values(300, "a"));
  const HyperLogLog sb = build(distinct_values(300, "b"));
  const HyperLogLog* sources[] = {&sa, &sb};
  HyperLogLog into_empty;
  into_empty.merge(sources);
  CHECK(into_empty.encoding() == HyperLogLog::Encoding::sparse);
  HyperLogLogUnion small_union;
  small_union.add(sa);
  small_union.add(sb);
  CHECK(into_empty.count() == small_union.count());
}

TEST_CASE("the union reads Redis's bytes directly as it reads HyperLogLogs") {
  const HyperLogLog sparse = build(distinct_values(200, "s"));
  const HyperLogLog dense = build(distinct_values(20000, "d"));
  HyperLogLogUnion from_objects;
  from_objects.add(sparse);
  from_objects.add(dense);
  HyperLogLogUnion from_bytes;
  from_bytes.add_redis_bytes(sparse.to_redis_bytes());
  from_bytes.add_redis_bytes(dense.to_redis_bytes());
  CHECK(from_bytes.count() == from_objects.count());
  CHECK(HyperLogLogUnion().count() == 0);
  CHECK_THROWS_AS(from_bytes.add_redis_bytes("HYLL"), HllCorruptError);
}

TEST_CASE("corrupt HyperLogLogs are rejected with a clear error") {
  const std::string sparse = build({"a", "b", "c"}).to_redis_bytes();
  std::string dense = build(distinct_values(10000)).to_redis_bytes();
  REQUIRE(dense.size() == HyperLogLog::kDenseBytes);

  SUBCASE("additional bytes at the tail (Redis: Additional at tail)") {
    CHECK(load_error(sparse + "hello").find("more than 16384 registers") != std::string::npos);
  }
  SUBCASE("broken magic") {
    CHECK(load_error("0123" + sparse.substr(4)).find("bad magic") != std::string::npos);
  }
  SUBCASE("invalid encoding") {
    std::string bytes = sparse;
    bytes[4] = 'x';
    CHECK(load_error(bytes).find("unknown encoding 120") != std::string::npos);
  }
  SUBCASE("dense with the wrong length (Redis: sparse bytes marked dense)") {
    std::string bytes = sparse;
    bytes[4] = '\0';
    CHECK(load_error(bytes).find("dense encoding must be 12304 bytes, not 27") != std::string::npos);
    CHECK(load_error(dense + "x").find("not 12305") != std::string::npos);
    CHECK(load_error(dense.substr(0, dense.size() - 1)).find("not 12303") != std::string::npos);
  }
  SUBCASE("shorter than the header") {
    CHECK(load_error("").find("shorter than the 16-byte header") != std::string::npos);
    CHECK(load_error("HYLL\x01").find("shorter") != std::string::npos);
  }
  SUBCASE("sparse opcodes describing too few registers, or none") {
    CHECK(load_error(kHeaderInvalidCache).find("describe 0 registers") != std::string::npos);
    CHECK(load_error(kHeaderInvalidCache + xzero(16383)).find("describe 16383 registers") != std::string::npos);
    CHECK(load_error(kHeaderInvalidCache + xzero(16383) + val(1, 1)) == "");
  }
  SUBCASE("an XZERO cut off by the end is never read past it") {
    const std::string cut = kHeaderInvalidCache + xzero(255).substr(0, 1);
    CHECK(load_error(cut).find("cut off") != std::string::npos);
  }
  SUBCASE("overflowing run lengths with XZERO (Redis: doesn't cause overflow and out-of-bounds)") {
    std::string bytes = kHeaderInvalidCache;
    for (int i = 0; i < 131072 + 1000; ++i) bytes += xzero(16384);
    bytes += '\xff';
    CHECK(load_error(bytes).find("more than 16384 registers (opcode at byte 18)") != std::string::npos);
    CHECK_THROWS_AS(HyperLogLogUnion().add_redis_bytes(bytes), HllCorruptError);
  }
  SUBCASE("overflowing run lengths with ZERO") {
    std::string bytes = kHeaderInvalidCache + std::string(33554432 + 1000, '\x3f') + "\xff";
    CHECK(load_error(bytes).find("more than 16384 registers") != std::string::npos);
  }
  SUBCASE("a VAL run past the last register") {
    CHECK(load_error(kHeaderInvalidCache + xzero(16382) + val(5, 4)).find("more than 16384") != std::string::npos);
  }
  SUBCASE("the message says what is wrong and where") {
    CHECK(load_error(sparse + "\x01").find("corrupt HyperLogLog: sparse opcodes describe more than 16384 registers "
                                          "(opcode at byte 27)") == 0);
  }
}

TEST_CASE("fuzzing: random corruption is either rejected or gives a usable HyperLogLog") {
  // As Redis's "Fuzzing dense/sparse encoding" test: whatever the bytes, no crash and no read out of
  // bounds (run the suite under -fsanitize=address to see the second). The native test compares
  // each verdict with redis-server's.
  std::mt19937_64 rng(3);
  int rejected = 0;
  int loaded = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string bytes = build(distinct_values(rng() % 3000, std::to_string(round))).to_redis_bytes();
    for (int i = 0; i < 5; ++i) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
      if (rng() % 2 == 0) break;
    }
    try {
      HyperLogLog hll = HyperLogLog::from_redis_bytes(bytes);
      hll.count();
      hll.add("one more");
      hll.estimate();
      HyperLogLogUnion().add_redis_bytes(bytes);
      ++loaded;
    } catch (const HllCorruptError&) {
      ++rejected;
    }
  }
  CHECK(rejected > 0);
  CHECK(loaded > 0);
}

TEST_CASE("accuracy: within 2% (about 2.5 standard errors) at every scale") {
  for (const std::size_t size : {10, 100, 1000, 10000, 100000, 1000000}) {
    CAPTURE(size);
    HyperLogLog hll;
    for (std::size_t i = 0; i < size; ++i) hll.add("user-" + std::to_string(i));
    CHECK(std::abs(static_cast<double>(hll.count()) - static_cast<double>(size)) <= 0.02 * static_cast<double>(size) + 1);
  }
}
