// The in-memory half of the SQLite store's event-id deduplication.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "native/store/event_id_log.hpp"
#include "native/store/event_id_set.hpp"

using ie::sqlite::EventIdSet;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kWindow = 7LL * 24 * 3600 * 1000;

std::string id(int n) { return "id-" + std::to_string(n); }

}  // namespace

TEST_CASE("an id is fresh once, then a duplicate until its expiry, then fresh again") {
  EventIdSet ids;
  CHECK(ids.remember("a", kNow, kNow + kWindow));
  CHECK_FALSE(ids.remember("a", kNow + 1, kNow + 1 + kWindow));
  CHECK_FALSE(ids.remember("a", kNow + kWindow, kNow + 2 * kWindow));
  CHECK(ids.remember("a", kNow + kWindow + 1, kNow + 2 * kWindow));
  CHECK_FALSE(ids.remember("a", kNow + kWindow + 2, kNow + 2 * kWindow));
  CHECK(ids.remember("", kNow, kNow + kWindow));
  CHECK(ids.remember(std::string("a\0b", 3), kNow, kNow + kWindow));
}

TEST_CASE("an expiry past what a slot holds (2109) is kept until then, not wrapped around") {
  constexpr std::int64_t kLastHeld = (std::int64_t{1} << 42) - 1;  // ms since 1970: in 2109
  EventIdSet ids;
  CHECK(ids.remember("far", kNow, (std::int64_t{1} << 43) + 5));  // its low 42 bits alone: 1970
  CHECK_FALSE(ids.remember("far", kLastHeld, kLastHeld + kWindow));
  CHECK(ids.remember("far", kLastHeld + 1, kLastHeld + 1 + kWindow));
}

TEST_CASE("a million ids through many growths: each fresh once, none lost") {
  EventIdSet ids;
  int fresh = 0;
  for (int n = 0; n < 1'000'000; ++n) fresh += ids.remember(id(n), kNow, kNow + kWindow);
  CHECK(fresh == 1'000'000);
  ids.keep();
  int duplicates = 0;
  for (int n = 0; n < 1'000'000; ++n) duplicates += !ids.remember(id(n), kNow + 1, kNow + kWindow);
  CHECK(duplicates == 1'000'000);
}

TEST_CASE("undo takes back what the rolled-back transaction remembered, and only that") {
  EventIdSet ids;
  CHECK(ids.remember("kept", kNow, kNow + kWindow));
  CHECK(ids.remember("expired", kNow, kNow + 10));
  ids.keep();
  CHECK(ids.remember("new", kNow, kNow + kWindow));
  CHECK(ids.remember("expired", kNow + 20, kNow + 20 + kWindow));  // renewed, then taken back
  for (int n = 0; n < 5000; ++n) CHECK(ids.remember(id(n), kNow, kNow + kWindow));  // grows mid-transaction
  ids.undo();
  CHECK_FALSE(ids.remember("kept", kNow, kNow + kWindow));
  CHECK(ids.remember("new", kNow, kNow + kWindow));
  CHECK(ids.remember("expired", kNow + 20, kNow + 20 + kWindow));
  CHECK(ids.remember(id(4999), kNow, kNow + kWindow));
}

TEST_CASE("ids expired before the horizon are dropped when their shard is rebuilt; later ones stay") {
  EventIdSet ids;
  for (int n = 0; n < 1000; ++n) ids.remember(id(n), kNow, kNow + 1000);
  ids.remember("late", kNow, kNow + kWindow);
  ids.forget_expired_before(kNow + 2000);
  // What a caller with an older clock sends is judged by its own now_ms while it is kept.
  CHECK_FALSE(ids.remember(id(0), kNow, kNow + kWindow));
  for (int n = 1000; n < 200'000; ++n) ids.remember(id(n), kNow + 2000, kNow + 2000 + kWindow);  // every shard rebuilds
  ids.keep();
  CHECK_FALSE(ids.remember("late", kNow + 2000, kNow + kWindow));
  CHECK(ids.remember(id(1), kNow, kNow + kWindow));
}

TEST_CASE("ids read back from the log keep the later of their expiries") {
  EventIdSet ids;
  ids.load("a", kNow + kWindow);
  ids.load("a", kNow + 10);
  CHECK_FALSE(ids.remember("a", kNow + kWindow, kNow + 2 * kWindow));
  CHECK(ids.remember("a", kNow + kWindow + 1, kNow + 2 * kWindow));
}

TEST_CASE("the log's blob gives back every id, in order, whatever its bytes and length") {
  std::string blob;
  const std::string long_id(300, 'x');
  const std::vector<std::string> ids = {"a", "", std::string("\0\x80\xff", 3), long_id,
                                        "0f8e2c4a-91b3-4d7e-a5c6-123456789abc",   // packed: 16 bytes
                                        "0F8E2C4A-91B3-4D7E-A5C6-123456789ABC",   // kept as text: its case stays
                                        "0f8e2c4a-91b3-4d7e-a5c6-123456789ab",    // not a UUID
                                        "0f8e2c4a+91b3-4d7e-a5c6-123456789abc"};
  for (const std::string& each : ids) ie::sqlite::append_event_id(blob, each);
  std::vector<std::string> read;
  ie::sqlite::for_each_event_id(blob, [&](std::string_view each) { read.emplace_back(each); });
  CHECK(read == ids);
  std::string one_uuid;
  ie::sqlite::append_event_id(one_uuid, ids[4]);
  CHECK(one_uuid.size() == 17);
  CHECK_THROWS(ie::sqlite::for_each_event_id(blob.substr(0, blob.size() - 1), [](std::string_view) {}));
  CHECK_THROWS(ie::sqlite::for_each_event_id(std::string("\x80", 1), [](std::string_view) {}));
  CHECK_THROWS(ie::sqlite::for_each_event_id(std::string("\x03", 1), [](std::string_view) {}));
}

TEST_CASE("remembered ids take at most 24 bytes each at steady state, 30 while the window fills") {
  constexpr int kLive = 1'000'000;  // ids live 1 000 000 ms, one new id a ms
  EventIdSet ids;
  std::size_t most_bytes = 0;
  for (int n = 0; n < 4 * kLive; ++n) {
    const std::int64_t now = kNow + n;
    if (n % 100 == 0) ids.forget_expired_before(now);
    ids.remember(id(n), now, now + kLive);
    ids.keep();
    if (n + 1 == kLive) CHECK(ids.memory_bytes() <= 30 * std::size_t{kLive});
    if (n >= 2 * kLive) most_bytes = std::max(most_bytes, ids.memory_bytes());
  }
  CHECK(most_bytes <= 24 * std::size_t{kLive});
  CHECK_FALSE(ids.remember(id(4 * kLive - 1), kNow + 4 * kLive, kNow + 5 * kLive));
  CHECK(ids.remember(id(2 * kLive), kNow + 4 * kLive, kNow + 5 * kLive));  // expired long ago
}

TEST_CASE("a small sliding window stays within one page a shard: expired slots make room") {
  EventIdSet sliding;
  std::size_t most_bytes = 0;
  for (int n = 0; n < 200'000; ++n) {
    const std::int64_t now = kNow + n;
    sliding.forget_expired_before(now);
    sliding.remember(id(n), now, now + 1000);
    sliding.keep();
    if (n > 10'000) most_bytes = std::max(most_bytes, sliding.memory_bytes());
  }
  CHECK(most_bytes <= 256 * 4096);
  CHECK_FALSE(sliding.remember(id(199'999), kNow + 199'999, kNow + 300'000));
}

TEST_CASE("past the memory cap the oldest ids are forgotten early, the newest kept") {
  constexpr std::size_t kCap = EventIdSet::kMinMemoryMax;  // 1 MiB: about 40 000 ids at 60%
  EventIdSet ids;
  ids.set_memory_max(kCap);
  CHECK(ids.forgotten_before_ms() == 0);
  constexpr int kIds = 200'000;
  for (int n = 0; n < kIds; ++n) ids.remember(id(n), kNow + n, kNow + n + kWindow);  // one a ms
  ids.keep();
  CHECK(ids.memory_bytes() <= kCap);
  const std::int64_t forgotten_before = ids.forgotten_before_ms();
  REQUIRE(forgotten_before > kNow + kWindow);
  const int first_kept = static_cast<int>(forgotten_before - kNow - kWindow);
  CHECK(first_kept > kIds / 2);
  CHECK(first_kept < kIds - 30'000);  // at least 30 000 ids are still remembered
  CHECK_FALSE(ids.remember(id(kIds - 1), kNow + kIds, kNow + kIds + kWindow));
  CHECK_FALSE(ids.remember(id(first_kept + 1000), kNow + kIds, kNow + kIds + kWindow));
  CHECK(ids.remember(id(0), kNow + kIds, kNow + kIds + kWindow));  // forgotten: counted again
  CHECK(ids.remember(id(first_kept - 1000), kNow + kIds, kNow + kIds + kWindow));
}

TEST_CASE("an undo across a shard's rebuild takes back the new ids and keeps the old") {
  EventIdSet ids;
  for (int n = 0; n < 100; ++n) CHECK(ids.remember(id(n), kNow, kNow + kWindow));
  ids.keep();
  for (int n = 100; n < 300'000; ++n) CHECK(ids.remember(id(n), kNow, kNow + kWindow));  // every shard rebuilds
  ids.undo();
  for (int n = 0; n < 100; ++n) CHECK_FALSE(ids.remember(id(n), kNow, kNow + kWindow));
  int fresh = 0;
  for (int n = 100; n < 300'000; ++n) fresh += ids.remember(id(n), kNow, kNow + kWindow);
  CHECK(fresh == 300'000 - 100);
}
