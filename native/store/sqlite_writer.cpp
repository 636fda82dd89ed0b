// The writer's transactions: the schema and its pragmas, a batch of events applied with Redis's
// semantics and written once per changed counter, event-id deduplication, and the purge.
#include "native/store/sqlite_writer.hpp"

#include <exception>
#include <variant>

namespace ie::sqlite {

namespace {

constexpr std::size_t kCachedCounters = 4096;  // between batches; a dense HLL is 12 KB

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at_ms INTEGER);
CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (expires_at_ms) WHERE expires_at_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS event_ids (id TEXT PRIMARY KEY, expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_ids_by_expiry ON event_ids (expires_at_ms);
)sql";

}  // namespace

Writer::Writer(const std::filesystem::path& path)
    : db_(create_schema(path)),
      begin_(db_, "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      data_version_(db_, "PRAGMA data_version"),
      select_(db_, "SELECT value, expires_at_ms FROM counters WHERE key = ?1"),
      upsert_(db_,
              "INSERT INTO counters (key, value, expires_at_ms) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at_ms = excluded.expires_at_ms"),
      // Inserts a new id, or renews one that expired; changes nothing (0 changes) for a live one.
      remember_id_(db_,
                   "INSERT INTO event_ids (id, expires_at_ms) VALUES (?1, ?2) "
                   "ON CONFLICT (id) DO UPDATE SET expires_at_ms = excluded.expires_at_ms WHERE event_ids.expires_at_ms < ?3"),
      purge_counters_(db_, "DELETE FROM counters WHERE expires_at_ms < ?1"),
      purge_ids_(db_, "DELETE FROM event_ids WHERE expires_at_ms < ?1") {}

std::vector<ApplyResult> Writer::commit(const std::vector<Request>& batch) {
  std::vector<ApplyResult> results;
  begin_.run();
  try {
    forget_if_written_elsewhere();
    for (const Request& request : batch) results.push_back(apply(request));
    write_dirty();
    commit_.run();
  } catch (...) {
    db_.rollback_if_open();
    dirty_.clear();
    cache_.clear();  // it holds what was just rolled back
    throw;
  }
  cache_.trim(kCachedCounters);
  return results;
}

void Writer::purge(std::int64_t now_ms) {
  begin_.run();
  try {
    purge_counters_.bind(1, now_ms);
    purge_counters_.run();
    purge_ids_.bind(1, now_ms);
    purge_ids_.run();
    commit_.run();
  } catch (...) {
    db_.rollback_if_open();
    throw;
  }
}

Connection Writer::create_schema(const std::filesystem::path& path) {
  Connection db(path);
  db.execute(kSchema);
  // A 2xx must survive power loss: every commit waits for the WAL to reach the disk.
  db.execute("PRAGMA synchronous = FULL");
  // Event ids are random, so each commit dirties pages all over their index. A checkpoint copies
  // each page once however many commits changed it: every 40 MB of WAL (not SQLite's 4 MB) a
  // hot page is copied far less often, and a page cache of 16 MiB (not 2) keeps it between commits.
  db.execute("PRAGMA cache_size = -16384");
  db.execute("PRAGMA wal_autocheckpoint = 10000");
  return db;
}

// Another process (`internal-events track` next to the server) may have committed since our
// last transaction; then the cached counters may be stale.
void Writer::forget_if_written_elsewhere() {
  const ResetOnExit reset(data_version_);
  data_version_.step();
  const std::int64_t version = data_version_.integer(0);
  if (version != data_version_seen_) cache_.clear();
  data_version_seen_ = version;
}

ApplyResult Writer::apply(const Request& request) {
  ApplyResult result;
  for (const auto& event : request.events) {
    if (!event.event_id.empty() && !remember_id(event.event_id, request.now_ms)) {
      ++result.duplicates;
      continue;
    }
    for (const auto& write : event.writes) redis_write(counter_for_write(write.key, request.now_ms), write, request.now_ms);
    ++result.applied;
  }
  return result;
}

bool Writer::remember_id(const std::string& id, std::int64_t now_ms) {
  const ResetOnExit reset(remember_id_);
  remember_id_.bind(1, id);
  remember_id_.bind(2, now_ms + kEventIdWindowMs);
  remember_id_.bind(3, now_ms);
  remember_id_.step();
  return sqlite3_changes(db_.get()) == 1;
}

Counter& Writer::counter_for_write(const std::string& key, std::int64_t now_ms) {
  CounterCache::Entry* entry = cache_.find(key);
  if (!entry) entry = &cache_.insert(key, load(key));
  if (!live(entry->counter.expires_at_ms, now_ms)) entry->counter = Counter{};  // written as if absent, as Redis does
  if (!entry->dirty) {
    entry->dirty = true;
    dirty_.push_back(entry);
  }
  return entry->counter;
}

Counter Writer::load(const std::string& key) {
  const ResetOnExit reset(select_);
  select_.bind(1, key);
  if (!select_.step()) return {};
  Counter counter{{}, select_.expiry(1)};
  switch (select_.type(0)) {
    case SQLITE_BLOB: counter.value = hll_from_row(key, select_.bytes(0)); break;
    case SQLITE_INTEGER: counter.value = select_.integer(0); break;
    default: counter.value = std::string(select_.bytes(0)); break;
  }
  return counter;
}

HyperLogLog Writer::hll_from_row(const std::string& key, std::string_view bytes) {
  try {
    return HyperLogLog::from_redis_bytes(bytes);
  } catch (const HllCorruptError& error) {
    wrong_value(key, error.what());
  }
}

// Each changed counter is written once per batch, however many events touched it.
void Writer::write_dirty() {
  for (CounterCache::Entry* entry : dirty_) {
    write_row(entry->key, entry->counter);
    entry->dirty = false;
  }
  dirty_.clear();
}

void Writer::write_row(const std::string& key, const Counter& counter) {
  const ResetOnExit reset(upsert_);
  std::string hll_bytes;  // bound without a copy: lives until the step below
  upsert_.bind(1, key);
  if (const auto* hll = std::get_if<HyperLogLog>(&counter.value)) {
    hll_bytes = hll->to_redis_bytes();
    upsert_.bind_blob(2, hll_bytes);
  } else if (const auto* integer = std::get_if<std::int64_t>(&counter.value)) {
    upsert_.bind(2, *integer);
  } else {
    upsert_.bind(2, std::string_view(std::get<std::string>(counter.value)));
  }
  upsert_.bind_expiry(3, counter.expires_at_ms);
  upsert_.step();
}

}  // namespace ie::sqlite
