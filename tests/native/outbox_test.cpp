// The Snowplow outbox of both stores: written in the commit of the counters, claimed by one
// emitter at a time, removed or buried, requeued, bounded. A real SQLite file and a real
// redis-server on a free loopback port.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>

#include "native/store/redis_store.hpp"
#include "native/store/sqlite_store.hpp"
#include "tests/support/redis_server.hpp"

using namespace ie;
namespace fs = std::filesystem;

namespace {

std::int64_t now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct SqliteFile {
  fs::path path = fs::temp_directory_path() / ("ie-outbox-" + std::to_string(::getpid()) + "-" + std::to_string(++created) + ".sqlite3");
  static inline int created = 0;
  ~SqliteFile() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path.string() + suffix);
  }
};

EventWrites tracked(std::string id, std::string payload) {
  return {std::move(id), {{CounterOperation::incr, CounterKey("{event_counters}_outbox_test"), "", 1, Expiry::never}}, std::move(payload)};
}

std::vector<std::string> payloads(const std::vector<OutboxEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& entry : entries) out.push_back(entry.payload);
  return out;
}

// The behaviour every store's outbox must have, run against each.
void check_outbox(CounterStore& store) {
  Outbox& outbox = store.outbox();
  const std::int64_t t = now();

  SUBCASE("entries are queued with their counters, once per event id, in order") {
    store.apply({tracked("a", R"({"e":"se","n":"1"})"), tracked("b", R"({"e":"se","n":"2"})"), tracked("", "")}, t);
    store.apply({tracked("a", R"({"e":"se","n":"1 again"})"), tracked("c", R"({"e":"se","n":"3"})")}, t);
    CHECK(store.sum({"{event_counters}_outbox_test"}, t) == 4);
    CHECK(outbox.status(t).depth == 3);
    const auto claimed = outbox.claim("one", 1 << 20, t);
    CHECK(payloads(claimed) == std::vector<std::string>{R"({"e":"se","n":"1"})", R"({"e":"se","n":"2"})", R"({"e":"se","n":"3"})"});
    CHECK(outbox.status(t).oldest_queued_at_ms.has_value());
    outbox.remove(claimed);
    CHECK(outbox.status(t).depth == 0);
    CHECK(outbox.claim("one", 1 << 20, t).empty());
  }

  SUBCASE("a claim stays within the batch bytes but takes at least one entry") {
    const std::string big(300, 'x');
    std::vector<EventWrites> events;
    for (int i = 0; i < 10; ++i) events.push_back(tracked("big-" + std::to_string(i), "{\"x\":\"" + big + "\"}"));
    store.apply(std::move(events), t);
    const auto first = outbox.claim("one", 1000, t);
    CHECK(first.size() == 3);
    outbox.remove(first);
    CHECK(outbox.claim("one", 10, t).size() == 1);
  }

  SUBCASE("dead letters keep the collector's answer and can be requeued") {
    store.apply({tracked("d1", R"({"n":"1"})"), tracked("d2", R"({"n":"2"})")}, t);
    const auto claimed = outbox.claim("one", 1 << 20, t);
    REQUIRE(claimed.size() == 2);
    outbox.bury(claimed, 400, "HTTP 400: bad schema", t);
    const OutboxStatus status = outbox.status(t);
    CHECK(status.depth == 0);
    CHECK(status.dead_letters == 2);
    const auto letters = outbox.dead_letters(10);
    REQUIRE(letters.size() == 2);
    CHECK(letters[0].status == 400);
    CHECK(letters[0].reason == "HTTP 400: bad schema");
    CHECK(letters[0].entry.payload == R"({"n":"1"})");
    CHECK(outbox.retry_dead() == 2);
    CHECK(outbox.status(t).dead_letters == 0);
    CHECK(payloads(outbox.claim("one", 1 << 20, t)) == std::vector<std::string>{R"({"n":"1"})", R"({"n":"2"})"});
  }

  SUBCASE("past --outbox-max-events new copies are dropped and counted; the counters still apply") {
    store.set_outbox_max_events(2);
    const ApplyResult result = store.apply({tracked("m1", "{}"), tracked("m2", "{}"), tracked("m3", "{}")}, t);
    CHECK(result.applied == 3);
    CHECK(result.snowplow_dropped == 1);
    CHECK(store.sum({"{event_counters}_outbox_test"}, t) == 3);
    CHECK(outbox.status(t).depth == 2);
  }

  SUBCASE("a setting is made once and then shared") {
    const std::string first = store.setting("instance_secret", "first");
    CHECK(first == "first");
    CHECK(store.setting("instance_secret", "second") == "first");
  }
}

}  // namespace

TEST_CASE("SQLite outbox") {
  SqliteFile file;
  SqliteStore store(file.path);
  check_outbox(store);
}

TEST_CASE("Redis outbox") {
  test::RedisServer server;
  RedisStore store(RedisAddress::parse(server.url()));
  check_outbox(store);
}

TEST_CASE("SQLite: one emitter at a time; another takes over when the lease runs out or is released") {
  SqliteFile file;
  SqliteStore store(file.path);
  store.apply({tracked("x", "{}")}, now());
  const std::int64_t t = now();
  CHECK(store.outbox().claim("first", 1 << 20, t).size() == 1);
  CHECK(store.outbox().claim("second", 1 << 20, t).empty());  // the first one's lease holds
  CHECK(store.outbox().claim("second", 1 << 20, t + kOutboxLeaseMs + 1).size() == 1);
  store.outbox().release("second");
  CHECK(store.outbox().claim("first", 1 << 20, t + kOutboxLeaseMs + 2).size() == 1);
}

TEST_CASE("Redis: two emitters never hold one entry; a dead one's entries are taken over after the lease") {
  test::RedisServer server;
  RedisStore store(RedisAddress::parse(server.url()));
  std::vector<EventWrites> events;
  for (int i = 0; i < 6; ++i) events.push_back(tracked("r" + std::to_string(i), "{\"n\":\"" + std::to_string(i) + "\"}"));
  store.apply(std::move(events), now());
  const auto first = store.outbox().claim("first", 20, now());
  const auto second = store.outbox().claim("second", 1 << 20, now());
  std::set<std::string> ids;
  for (const auto& entry : first) ids.insert(entry.id);
  for (const auto& entry : second) CHECK(ids.insert(entry.id).second);
  CHECK(first.size() == 2);  // 18 bytes of 20: the third entry it read is carried, still its own
  CHECK(ids.size() == 5);
  // "first" gives up what it holds (its batch and what it read past it): "third" takes that over at
  // once, and none of "second"'s, whose lease still runs. After the lease, "second"'s too.
  store.outbox().release("first");
  const auto taken = store.outbox().claim("third", 1 << 20, now());
  CHECK(!taken.empty());
  for (const auto& entry : taken) {
    CHECK(std::none_of(second.begin(), second.end(), [&](const OutboxEntry& e) { return e.id == entry.id; }));
  }
  test::RedisClient redis(server);
  // Age the pending entries past the lease, as if "second" had died long ago.
  std::vector<std::string> claim_back{"XCLAIM", "internal_events:outbox", "emitters", "second", "0"};
  for (const auto& entry : second) claim_back.push_back(entry.id);
  claim_back.insert(claim_back.end(), {"IDLE", std::to_string(kOutboxLeaseMs + 1000), "JUSTID"});
  redis.command(claim_back);
  CHECK(store.outbox().claim("fourth", 1 << 20, now()).size() == second.size());
}
