#pragma once
// The embedded store: one SQLite file that holds every counter exactly as Redis would hold it, so
// `export` is plain SET and both stores answer the same numbers.
//
//   counters(key TEXT PRIMARY KEY, value BLOB, expires_at_ms INTEGER NULL)
//       HLLs as Redis's bytes, totals as integers, sums as the decimal text INCRBYFLOAT leaves
//   event_id_log(row INTEGER PRIMARY KEY, expires_at_ms INTEGER, ids BLOB)
//       the ids of one request, appended; the writer decides duplicates from them in memory
//   outbox, outbox_dead, outbox_lease   the Snowplow copies (sqlite_outbox.hpp)
//   settings(name TEXT PRIMARY KEY, value TEXT)   the installation's own: its instance secret
//
// Durability: WAL with synchronous=FULL, so a commit is on disk before apply_async() calls back.
// Fsyncs are the cost, so writes are group-committed: apply_async() queues its events and
// returns; one writer thread takes everything queued, applies it in one transaction and calls
// back every caller (or fails them all; nothing is partially written). Reads use their own
// connections, which WAL never blocks behind the writer.
//
// Expiry follows Redis: a key past its expires_at_ms reads as missing and is written as if absent.
// now_ms is the caller's clock; the purge of expired rows (on open, then every minute) uses the
// wall clock, so callers should pass wall-clock time too.
#include <filesystem>
#include <memory>

#include "native/store/counter_store.hpp"

namespace ie {

class SqliteStore final : public CounterStore {
 public:
  // Creates the file and its parent folders when missing. Throws StoreUnavailable.
  explicit SqliteStore(const std::filesystem::path& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) override;
  std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) override;
  double sum(const std::vector<std::string>& keys, std::int64_t now_ms) override;
  std::vector<StoredKey> dump(std::int64_t now_ms) override;
  // On the writer thread, in one transaction of its own. An event id the store already remembers
  // for longer keeps its later expiry (the id log only appends).
  std::size_t restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) override;
  std::string describe() const override;
  Outbox& outbox() override;
  void set_outbox_max_events(std::uint64_t max_events) override;
  std::string setting(std::string_view name, std::string_view value_if_new) override;
  EventIdWindow event_id_window(std::int64_t now_ms) const override;
  void set_event_id_memory_max(std::uint64_t bytes) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ie
