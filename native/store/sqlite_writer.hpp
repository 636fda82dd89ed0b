#pragma once
// The writer: the one connection that writes, used only by the store's writer thread. It owns the
// schema, applies a batch of queued requests in one transaction (group commit) through the
// counter cache, and deletes expired rows when asked to purge.
#include <atomic>
#include <cstdint>
#include <optional>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "native/store/counter_cache.hpp"
#include "native/store/counter_store.hpp"
#include "native/store/event_id_set.hpp"
#include "native/store/request_ids.hpp"
#include "native/store/sqlite_handles.hpp"

namespace ie::sqlite {

// One apply_async() call waiting for its commit.
struct Request {
  std::vector<EventWrites> events;  // their ids taken into `ids`
  std::int64_t now_ms;
  ApplyDone done;
  RequestIds ids;  // of `events`
};

class Writer {
 public:
  // Creates the schema when missing.
  explicit Writer(const std::filesystem::path& path);

  // Applies every request in one transaction: all results, or an exception and nothing written.
  std::vector<ApplyResult> commit(const std::vector<Request>& batch);

  // Deletes the counters and event ids that expired before now_ms.
  void purge(std::int64_t now_ms);

  // CounterStore::restore() in one transaction: each counter's row replaced, each event id logged
  // with its expiry (and known to the set once committed). Returns how many keys were written.
  std::size_t restore(const std::vector<StoredKey>& keys, std::int64_t now_ms);

  Connection& connection() { return db_; }

  std::atomic<std::uint64_t> outbox_max_events{kDefaultOutboxMaxEvents};
  // The event-id set's cap, and what it holds as of the last commit (read by other threads).
  std::atomic<std::uint64_t> event_id_memory_max{kDefaultEventIdMemoryMax};
  std::atomic<std::int64_t> event_ids_forgotten_before_ms{0};
  std::atomic<std::uint64_t> event_id_memory_bytes{0};

 private:
  static Connection create_schema(const std::filesystem::path& path);
  void move_ids_out_of_old_table();
  void read_logged_ids();
  std::size_t logged_ids_estimate();
  void load_logged_ids(std::string_view blob, std::int64_t expires_at_ms);
  std::int64_t log_ids(std::string_view blob, std::int64_t expires_at_ms);  // the row written
  void forget_if_written_elsewhere();
  ApplyResult apply(const Request& request);
  void log_new_ids();
  void forget_new_ids();
  void prefetch_ids(const Request& request);
  bool queue_snowplow(std::string_view payload, std::int64_t now_ms);  // false: the outbox is full
  EventIdSet& known_ids();
  void publish_event_id_memory(std::int64_t now_ms);
  Counter& counter_for_write(CounterKey key, std::int64_t now_ms);
  Counter load(const std::string& key);
  static HyperLogLog hll_from_row(const std::string& key, std::string_view bytes);
  void write_dirty();
  void write_row(const std::string& key, const Counter& counter);
  void write_restored_row(const StoredKey& key);

  Connection db_;
  Statement begin_, commit_, data_version_, select_, upsert_, log_ids_, logged_since_, purge_counters_, purge_ids_, queue_snowplow_;
  CounterCache cache_;
  std::vector<CounterCache::Entry*> dirty_;                        // in the order first written
  std::unordered_map<CounterKey, CounterCache::Entry*> dirty_by_key_;  // the same, found by key
  EventIdSet ids_;                   // every id of the log once ids_read_, to decide duplicates without reading it
  bool ids_read_ = false;
  bool told_window_shrinks_ = false;
  std::string new_ids_;                   // the commit's ids not seen before, in the log's form
  std::int64_t new_ids_expire_at_ms_ = 0;  // the latest expiry among them
  std::int64_t last_logged_row_ = 0;       // the log's rows up to this one are in ids_
  std::int64_t data_version_seen_ = -1;
  std::optional<std::uint64_t> outbox_depth_;  // in the open transaction, once read
};

}  // namespace ie::sqlite
