#pragma once
// The SQLite store's outbox (see outbox.hpp), on a connection of its own. The writer inserts into
// `outbox` in the commit of the counters; this side takes entries out:
//
//   outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, queued_at_ms, payload)       waiting, in order
//   outbox_dead(seq, queued_at_ms, payload, status, reason, dead_at_ms)         refused by the collector
//   outbox_lease(id = 1, owner, expires_at_ms)                                  who emits now
//
// Several processes may open one file (two receivers, `internal-events outbox`), and only one of
// them emits at a time: claim() takes or renews the file's single lease in the same transaction
// that reads the entries. The emitter handles the oldest entries and removes them before it
// claims again, so entries leave from the front and the depth is max(seq) - min(seq) + 1: two
// index lookups, where count(*) would read every row of a full outbox.
#include <filesystem>
#include <mutex>

#include "native/store/outbox.hpp"
#include "native/store/sqlite_handles.hpp"

namespace ie::sqlite {

class SqliteOutbox final : public Outbox {
 public:
  explicit SqliteOutbox(std::filesystem::path path) : path_(std::move(path)) {}

  std::vector<OutboxEntry> claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) override;
  void renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t now_ms) override;
  void release(std::string_view owner) override;
  void remove(const std::vector<OutboxEntry>& entries) override;
  void bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) override;
  OutboxStatus status(std::int64_t now_ms) override;
  std::vector<DeadLetter> dead_letters(std::size_t limit) override;
  std::size_t retry_dead() override;

 private:
  template <typename Work>
  auto in_transaction(Work&& work);
  bool take_lease(std::string_view owner, std::int64_t now_ms);

  std::filesystem::path path_;
  std::mutex mutex_;  // the emitter thread, /-/metrics and commands share the connection
  std::unique_ptr<Connection> db_;  // opened at first use: the writer creates the schema first
};

// The depth of the outbox as the writer checks it against --outbox-max-events.
std::uint64_t outbox_depth(const Connection& db);

// The settings table: the kept value, or `value_if_new` kept now.
std::string keep_setting(const Connection& db, std::string_view name, std::string_view value_if_new);

}  // namespace ie::sqlite
