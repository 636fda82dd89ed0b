#include "native/store/sqlite_outbox.hpp"

#include <string>

namespace ie::sqlite {

namespace {

std::int64_t row_number(const std::string& id) { return std::stoll(id); }

// Entries are few per call (a batch of 64 KiB): statements are prepared per use, which keeps the
// connection's state to the transaction at hand.
void delete_entries(const Connection& db, const std::vector<OutboxEntry>& entries) {
  Statement erase(db, "DELETE FROM outbox WHERE seq = ?1");
  for (const auto& entry : entries) {
    erase.bind(1, row_number(entry.id));
    erase.run();
  }
}

}  // namespace

std::uint64_t outbox_depth(const Connection& db) {
  // Two subqueries: SQLite finds a lone min() or max() at one end of the index, but scans the
  // whole table for both in one SELECT.
  Statement ends(db, "SELECT (SELECT min(seq) FROM outbox), (SELECT max(seq) FROM outbox)");
  ends.step();
  if (ends.type(0) == SQLITE_NULL) return 0;
  return static_cast<std::uint64_t>(ends.integer(1) - ends.integer(0) + 1);
}

std::string keep_setting(const Connection& db, std::string_view name, std::string_view value_if_new) {
  Statement insert(db, "INSERT OR IGNORE INTO settings (name, value) VALUES (?1, ?2)");
  insert.bind(1, name);
  insert.bind(2, value_if_new);
  insert.run();
  Statement select(db, "SELECT value FROM settings WHERE name = ?1");
  select.bind(1, name);
  if (!select.step()) fail(db.get(), "reading setting " + std::string(name));
  return std::string(select.bytes(0));
}

template <typename Work>
auto SqliteOutbox::in_transaction(Work&& work) {
  const std::lock_guard lock(mutex_);
  if (!db_) {
    db_ = std::make_unique<Connection>(path_);
    // Nothing here needs to survive power loss: a lost removal sends a batch again (the collector
    // sees its eids twice, as after any crash), a lost lease is taken again. Without the fsync the
    // write lock is held for microseconds, and the writer that commits the counters never waits
    // behind the emitter.
    db_->execute("PRAGMA synchronous = NORMAL");
  }
  db_->execute("BEGIN IMMEDIATE");
  try {
    auto result = work(*db_);
    db_->execute("COMMIT");
    return result;
  } catch (...) {
    db_->rollback_if_open();
    throw;
  }
}

// The lease is ours when nobody holds it, when we do, or when its holder let it run out.
bool SqliteOutbox::take_lease(std::string_view owner, std::int64_t now_ms) {
  Statement take(*db_,
                 "INSERT INTO outbox_lease (id, owner, expires_at_ms) VALUES (1, ?1, ?2) "
                 "ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, expires_at_ms = excluded.expires_at_ms "
                 "WHERE outbox_lease.owner = excluded.owner OR outbox_lease.expires_at_ms < ?3");
  take.bind(1, owner);
  take.bind(2, now_ms + kOutboxLeaseMs);
  take.bind(3, now_ms);
  take.run();
  return sqlite3_changes(db_->get()) == 1;
}

std::vector<OutboxEntry> SqliteOutbox::claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) {
  return in_transaction([&](Connection& db) {
    std::vector<OutboxEntry> entries;
    if (!take_lease(owner, now_ms)) return entries;
    Statement oldest(db, "SELECT seq, queued_at_ms, payload FROM outbox ORDER BY seq LIMIT 10000");
    std::size_t bytes = 0;
    while (oldest.step()) {
      const std::string_view payload = oldest.bytes(2);
      if (!entries.empty() && bytes + payload.size() > max_bytes) break;
      bytes += payload.size();
      entries.push_back({std::to_string(oldest.integer(0)), std::string(payload), oldest.integer(1)});
    }
    return entries;
  });
}

void SqliteOutbox::renew(std::string_view owner, const std::vector<OutboxEntry>&, std::int64_t now_ms) {
  in_transaction([&](Connection&) { return take_lease(owner, now_ms); });
}

void SqliteOutbox::release(std::string_view owner) {
  in_transaction([&](Connection& db) {
    Statement drop(db, "DELETE FROM outbox_lease WHERE owner = ?1");
    drop.bind(1, owner);
    drop.run();
    return true;
  });
}

void SqliteOutbox::remove(const std::vector<OutboxEntry>& entries) {
  in_transaction([&](Connection& db) {
    delete_entries(db, entries);
    return true;
  });
}

void SqliteOutbox::bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) {
  in_transaction([&](Connection& db) {
    Statement keep(db,
                   "INSERT OR REPLACE INTO outbox_dead (seq, queued_at_ms, payload, status, reason, dead_at_ms) "
                   "SELECT seq, queued_at_ms, payload, ?2, ?3, ?4 FROM outbox WHERE seq = ?1");
    for (const auto& entry : entries) {
      keep.bind(1, row_number(entry.id));
      keep.bind(2, std::int64_t{status});
      keep.bind(3, reason);
      keep.bind(4, now_ms);
      keep.run();
    }
    delete_entries(db, entries);
    return true;
  });
}

OutboxStatus SqliteOutbox::status(std::int64_t) {
  return in_transaction([&](Connection& db) {
    OutboxStatus status;
    status.depth = outbox_depth(db);
    Statement oldest(db, "SELECT queued_at_ms FROM outbox ORDER BY seq LIMIT 1");
    if (oldest.step()) status.oldest_queued_at_ms = oldest.integer(0);
    Statement dead(db, "SELECT count(*) FROM outbox_dead");
    dead.step();
    status.dead_letters = static_cast<std::uint64_t>(dead.integer(0));
    return status;
  });
}

std::vector<DeadLetter> SqliteOutbox::dead_letters(std::size_t limit) {
  return in_transaction([&](Connection& db) {
    std::vector<DeadLetter> letters;
    Statement select(db, "SELECT seq, queued_at_ms, payload, status, reason, dead_at_ms FROM outbox_dead ORDER BY seq LIMIT ?1");
    select.bind(1, static_cast<std::int64_t>(limit));
    while (select.step()) {
      letters.push_back({{std::to_string(select.integer(0)), std::string(select.bytes(2)), select.integer(1)},
                         static_cast<int>(select.integer(3)),
                         std::string(select.bytes(4)),
                         select.integer(5)});
    }
    return letters;
  });
}

std::size_t SqliteOutbox::retry_dead() {
  return in_transaction([&](Connection& db) {
    db.execute("INSERT INTO outbox (queued_at_ms, payload) SELECT queued_at_ms, payload FROM outbox_dead ORDER BY seq");
    const auto moved = static_cast<std::size_t>(sqlite3_changes(db.get()));
    db.execute("DELETE FROM outbox_dead");
    return moved;
  });
}

}  // namespace ie::sqlite
