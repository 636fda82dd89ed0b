// The store's reads (PFCOUNT-like unions, sums, the dump for `export`) over a reader's own
// connection, and the pool of idle readers.
#include "native/store/sqlite_readers.hpp"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/hll.hpp"
#include "native/store/event_id_log.hpp"
#include "native/store/redis_values.hpp"

namespace ie::sqlite {

namespace {

constexpr std::size_t kIdleReaders = 8;

}  // namespace

Reader::Reader(const std::filesystem::path& path)
    : db_(path),
      select_(db_, "SELECT value, expires_at_ms FROM counters WHERE key = ?1"),
      live_counters_(db_, "SELECT key, value, expires_at_ms FROM counters WHERE expires_at_ms IS NULL OR expires_at_ms >= ?1 ORDER BY key"),
      live_ids_(db_, "SELECT expires_at_ms, ids FROM event_id_log WHERE expires_at_ms >= ?1") {}

std::uint64_t Reader::count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) {
  HyperLogLogUnion all;
  for (const auto& key : keys) {
    const ResetOnExit reset(select_);
    if (!find_live(key, now_ms)) continue;
    try {
      all.add_redis_bytes(select_.bytes(0));
    } catch (const HllCorruptError& error) {
      wrong_value(key, error.what());
    }
  }
  return all.count();
}

double Reader::sum(const std::vector<std::string>& keys, std::int64_t now_ms) {
  double total = 0;
  for (const auto& key : keys) {
    const ResetOnExit reset(select_);
    if (!find_live(key, now_ms)) continue;
    if (select_.type(0) == SQLITE_INTEGER) {
      total += static_cast<double>(select_.integer(0));
      continue;
    }
    const std::string_view text = select_.bytes(0);
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (select_.type(0) != SQLITE_TEXT || error != std::errc() || end != text.data() + text.size()) wrong_value(key, "holds no number");
    total += number;
  }
  return total;
}

std::vector<StoredKey> Reader::dump(std::int64_t now_ms) {
  std::vector<StoredKey> keys;
  {
    const ResetOnExit reset(live_counters_);
    live_counters_.bind(1, now_ms);
    while (live_counters_.step()) {
      const bool integer = live_counters_.type(1) == SQLITE_INTEGER;
      keys.push_back({std::string(live_counters_.bytes(0)),
                      integer ? std::to_string(live_counters_.integer(1)) : std::string(live_counters_.bytes(1)),
                      live_counters_.expiry(2)});
    }
  }
  for (const auto& [id, expires_at_ms] : live_event_ids(now_ms)) keys.push_back({std::string(kEventIdKeyPrefix) + id, "1", expires_at_ms});
  return keys;
}

// An id logged again once it had expired is in two rows: the later expiry is its own.
std::map<std::string, std::int64_t> Reader::live_event_ids(std::int64_t now_ms) {
  std::map<std::string, std::int64_t> ids;
  const ResetOnExit reset(live_ids_);
  live_ids_.bind(1, now_ms);
  while (live_ids_.step()) {
    const std::int64_t expires_at_ms = live_ids_.integer(0);
    for_each_event_id(live_ids_.bytes(1), [&](std::string_view id) {
      std::int64_t& expiry = ids[std::string(id)];
      expiry = std::max(expiry, expires_at_ms);
    });
  }
  return ids;
}

bool Reader::find_live(const std::string& key, std::int64_t now_ms) {
  select_.bind(1, key);
  return select_.step() && live(select_.expiry(1), now_ms);
}

std::unique_ptr<Reader> ReaderPool::take() {
  {
    const std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto reader = std::move(idle_.back());
      idle_.pop_back();
      return reader;
    }
  }
  return std::make_unique<Reader>(path_);
}

void ReaderPool::give_back(std::unique_ptr<Reader> reader) {
  const std::lock_guard lock(mutex_);
  if (idle_.size() < kIdleReaders) idle_.push_back(std::move(reader));
}

}  // namespace ie::sqlite
