// The writer's transactions: the schema and its pragmas, a batch of events applied with Redis's
// semantics and written once per changed counter, event-id deduplication, and the purge.
#include "native/store/sqlite_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <exception>
#include <map>
#include <variant>

#include "native/log.hpp"
#include "native/store/event_id_log.hpp"
#include "native/store/sqlite_outbox.hpp"

namespace ie::sqlite {

namespace {

constexpr std::size_t kCachedCounters = 4096;  // between batches; a dense HLL is 12 KB

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at_ms INTEGER);
CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (expires_at_ms) WHERE expires_at_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS event_id_log (row INTEGER PRIMARY KEY AUTOINCREMENT, expires_at_ms INTEGER NOT NULL, ids BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS event_id_log_by_expiry ON event_id_log (expires_at_ms);
CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, queued_at_ms INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox_dead (seq INTEGER PRIMARY KEY, queued_at_ms INTEGER NOT NULL, payload TEXT NOT NULL,
                                        status INTEGER NOT NULL, reason TEXT NOT NULL, dead_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox_lease (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, expires_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

// How a restored value starts when it is an HLL: Redis's magic (core/hll.hpp).
constexpr std::string_view kHllMagic = "HYLL";

// The value as an INCR integer when it is one's canonical text, as Redis keeps such strings.
std::optional<std::int64_t> canonical_integer(const std::string& text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size() || std::to_string(number) != text) return std::nullopt;
  return number;
}

// Before event_id_log, ids were rows of their own; a file written then keeps them.
constexpr const char* kOldEventIdsTable = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_ids'";

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
      log_ids_(db_, "INSERT INTO event_id_log (expires_at_ms, ids) VALUES (?1, ?2)"),
      logged_since_(db_, "SELECT row, expires_at_ms, ids FROM event_id_log WHERE row > ?1 ORDER BY row"),
      purge_counters_(db_, "DELETE FROM counters WHERE expires_at_ms < ?1"),
      purge_ids_(db_, "DELETE FROM event_id_log WHERE expires_at_ms < ?1"),
      queue_snowplow_(db_, "INSERT INTO outbox (queued_at_ms, payload) VALUES (?1, ?2)") {
  move_ids_out_of_old_table();
}

std::vector<ApplyResult> Writer::commit(const std::vector<Request>& batch) {
  std::vector<ApplyResult> results;
  const std::int64_t logged_before = last_logged_row_;
  begin_.run();
  outbox_depth_.reset();
  try {
    forget_if_written_elsewhere();
    ids_.set_memory_max(event_id_memory_max.load(std::memory_order_relaxed));
    // A request's ids are fetched into the cache while the one before is applied: fetched just
    // before their own lookups, the first of them still waited for memory.
    if (!batch.empty()) prefetch_ids(batch.front());
    for (std::size_t index = 0; index < batch.size(); ++index) {
      if (index + 1 < batch.size()) prefetch_ids(batch[index + 1]);
      results.push_back(apply(batch[index]));
    }
    log_new_ids();
    write_dirty();
    commit_.run();
  } catch (...) {
    db_.rollback_if_open();
    dirty_.clear();
    dirty_by_key_.clear();
    forget_new_ids();
    cache_.clear();  // both hold what was just rolled back
    ids_.undo();
    last_logged_row_ = logged_before;
    throw;
  }
  ids_.keep();
  cache_.trim(kCachedCounters);
  if (!batch.empty()) publish_event_id_memory(batch.back().now_ms);
  return results;
}

// For /-/metrics; and the first time the cap shortens the window, one line says so.
void Writer::publish_event_id_memory(std::int64_t now_ms) {
  const std::int64_t forgotten_before = ids_.forgotten_before_ms();
  event_ids_forgotten_before_ms.store(forgotten_before, std::memory_order_relaxed);
  event_id_memory_bytes.store(ids_.memory_bytes(), std::memory_order_relaxed);
  if (told_window_shrinks_ || forgotten_before <= now_ms) return;
  told_window_shrinks_ = true;
  const std::int64_t window_hours = (kEventIdWindowMs - (forgotten_before - now_ms)) / 3'600'000;
  log::warn("event ids: --dedupe-memory-max (" + std::to_string(event_id_memory_max.load() >> 20) +
            " MiB) is full, so the oldest ids are forgotten early: repeated events are recognised for the last " +
            std::to_string(window_hours) + " h, not 7 days (the window is internal_events_event_id_window_seconds in /-/metrics)");
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
  ids_.forget_expired_before(now_ms);
}

// Counter rows are upserted as write_row() leaves them. Ids go to the log, one row per expiry (a
// SQLite dump's ids share their commit's; Redis's each have their own), and into the set only once
// committed, since load() cannot be undone. The log only appends, so an id the store already
// remembers longer keeps its later expiry: restoring never shortens a dedup window.
std::size_t Writer::restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) {
  std::map<std::int64_t, std::string> logged_by_expiry;
  std::vector<const StoredKey*> restored_ids;
  std::size_t written = 0;
  const std::int64_t logged_before = last_logged_row_;
  begin_.run();
  try {
    forget_if_written_elsewhere();
    for (const StoredKey& key : keys) {
      if (!live(key.expires_at_ms, now_ms)) continue;
      if (key.key.starts_with(kEventIdKeyPrefix)) {
        const std::string_view id = std::string_view(key.key).substr(kEventIdKeyPrefix.size());
        if (id.empty() || key.expires_at_ms == 0) continue;  // no event has it, or the log cannot keep it forever
        append_event_id(logged_by_expiry[key.expires_at_ms], id);
        restored_ids.push_back(&key);
      } else {
        write_restored_row(key);
      }
      ++written;
    }
    for (const auto& [expires_at_ms, blob] : logged_by_expiry) {
      const std::int64_t row = log_ids(blob, expires_at_ms);
      if (ids_read_) last_logged_row_ = row;  // else the first read of the log finds them with the rest
    }
    commit_.run();
  } catch (...) {
    db_.rollback_if_open();
    cache_.clear();
    last_logged_row_ = logged_before;
    throw;
  }
  cache_.clear();  // it may hold counters just replaced
  if (ids_read_) {
    for (const StoredKey* key : restored_ids) ids_.load(std::string_view(key->key).substr(kEventIdKeyPrefix.size()), key->expires_at_ms);
  }
  return written;
}

Connection Writer::create_schema(const std::filesystem::path& path) {
  Connection db(path);
  db.execute(kSchema);
  // A 2xx must survive power loss: every commit waits for the WAL to reach the disk.
  db.execute("PRAGMA synchronous = FULL");
  // A hot weekly HLL is 12 KB rewritten by every commit. A checkpoint copies each page once however
  // many commits changed it: every 40 MB of WAL (not SQLite's 4 MB) a hot page is copied far less
  // often, and a page cache of 16 MiB (not 2) keeps it between commits.
  db.execute("PRAGMA cache_size = -16384");
  db.execute("PRAGMA wal_autocheckpoint = 10000");
  return db;
}

// One log row per old id, with its own expiry; then the old table goes.
void Writer::move_ids_out_of_old_table() {
  Statement old_table(db_, kOldEventIdsTable);
  if (!old_table.step()) return;
  old_table.reset();
  begin_.run();
  try {
    Statement old_ids(db_, "SELECT id, expires_at_ms FROM event_ids");
    while (old_ids.step()) {
      std::string blob;
      append_event_id(blob, old_ids.bytes(0));
      log_ids(blob, old_ids.integer(1));
    }
    old_ids.reset();
    db_.execute("DROP TABLE event_ids");
    commit_.run();
  } catch (...) {
    db_.rollback_if_open();
    throw;
  }
}

// How many ids the log holds, from its bytes (SQLite knows a blob's length without reading it):
// a UUID takes kLoggedUuidBytes, other ids more, so this errs on the side of fewer.
std::size_t Writer::logged_ids_estimate() {
  Statement bytes(db_, "SELECT coalesce(sum(length(ids)), 0) FROM event_id_log");
  bytes.step();
  return static_cast<std::size_t>(bytes.integer(0)) / kLoggedUuidBytes;
}

// The ids logged since the last read: all of them on open, then what other processes wrote.
void Writer::read_logged_ids() {
  const ResetOnExit reset(logged_since_);
  logged_since_.bind(1, last_logged_row_);
  while (logged_since_.step()) {
    const std::int64_t expires_at_ms = logged_since_.integer(1);
    load_logged_ids(logged_since_.bytes(2), expires_at_ms);
    last_logged_row_ = logged_since_.integer(0);
  }
}

// A row's ids into the set, their slots fetched a block ahead: most loads miss the cache, and
// waiting for each in turn was half the time of reading ten million ids at start-up.
void Writer::load_logged_ids(std::string_view blob, std::int64_t expires_at_ms) {
  constexpr std::size_t kBlock = 32;
  std::array<EventIdSet::Fingerprint, kBlock> block;
  std::size_t filled = 0;
  const auto load_block = [&] {
    for (std::size_t index = 0; index < filled; ++index) ids_.prefetch(block[index]);
    for (std::size_t index = 0; index < filled; ++index) ids_.load(block[index], expires_at_ms);
    filled = 0;
  };
  for_each_logged_event_id(blob, [&](std::string_view logged, bool, std::string_view) {
    block[filled++] = EventIdSet::fingerprint_of_logged(logged);
    if (filled == kBlock) load_block();
  });
  load_block();
}

std::int64_t Writer::log_ids(std::string_view blob, std::int64_t expires_at_ms) {
  const ResetOnExit reset(log_ids_);
  log_ids_.bind(1, expires_at_ms);
  log_ids_.bind_blob(2, blob);
  log_ids_.step();
  return sqlite3_last_insert_rowid(db_.get());
}

// Another process (`internal-events track` next to the server) may have committed since our
// last transaction; then the cached counters may be stale, and it may have logged ids.
void Writer::forget_if_written_elsewhere() {
  std::int64_t version = 0;
  {
    const ResetOnExit reset(data_version_);
    data_version_.step();
    version = data_version_.integer(0);
  }
  if (version == data_version_seen_) return;
  cache_.clear();
  if (ids_read_) read_logged_ids();
  data_version_seen_ = version;
}

// The commit's log row gets the request's new ids. Usually none is a duplicate and the prepared
// bytes go as they are; from the first duplicate on, the new ones are copied one by one.
ApplyResult Writer::apply(const Request& request) {
  ApplyResult result;
  const std::int64_t ids_expire_at_ms = request.now_ms + kEventIdWindowMs;
  const std::size_t new_ids_before = new_ids_.size();
  std::size_t copied_up_to = 0;  // the request's ids before this event are in new_ids_ or were duplicates
  for (std::size_t index = 0; index < request.events.size(); ++index) {
    const EventWrites& event = request.events[index];
    if (request.ids.has_id(index) && !ids_.remember(request.ids.fingerprint(index), request.now_ms, ids_expire_at_ms)) {
      new_ids_ += std::string_view(request.ids.all_logged()).substr(copied_up_to, request.ids.logged_start(index) - copied_up_to);
      copied_up_to = request.ids.logged_start(index + 1);
      ++result.duplicates;
      continue;
    }
    for (const auto& write : event.writes) redis_write(counter_for_write(write.key, request.now_ms), write, request.now_ms);
    if (!event.snowplow_event.empty() && !queue_snowplow(event.snowplow_event, request.now_ms)) ++result.snowplow_dropped;
    ++result.applied;
  }
  new_ids_ += std::string_view(request.ids.all_logged()).substr(copied_up_to);
  if (new_ids_.size() > new_ids_before) new_ids_expire_at_ms_ = std::max(new_ids_expire_at_ms_, ids_expire_at_ms);
  return result;
}

// One row for the commit's new ids: a row per request cost the writer a B-tree insert and an index
// entry each, a sixth of its time in 50-event batches. The row expires with the latest of its ids;
// the others are remembered after a restart for the few ms longer that callers' clocks differ
// within a commit.
void Writer::log_new_ids() {
  if (!new_ids_.empty()) last_logged_row_ = log_ids(new_ids_, new_ids_expire_at_ms_);
  forget_new_ids();
}

void Writer::forget_new_ids() {
  new_ids_.clear();
  new_ids_expire_at_ms_ = 0;
}

// The outbox's depth is read once per commit that queues anything, then counted along.
bool Writer::queue_snowplow(std::string_view payload, std::int64_t now_ms) {
  if (!outbox_depth_) outbox_depth_ = outbox_depth(db_);
  if (*outbox_depth_ >= outbox_max_events) return false;
  const ResetOnExit reset(queue_snowplow_);
  queue_snowplow_.bind(1, now_ms);
  queue_snowplow_.bind(2, payload);
  queue_snowplow_.step();
  ++*outbox_depth_;
  return true;
}

// A batch writes the same few keys over and over: after the first write, a key is found by its
// interned pointer among the batch's dirty entries, not hashed as text in the cache.
Counter& Writer::counter_for_write(CounterKey key, std::int64_t now_ms) {
  auto [found, added] = dirty_by_key_.try_emplace(key, nullptr);
  if (added) {
    CounterCache::Entry* entry = cache_.find(key);
    if (!entry) entry = &cache_.insert(key, load(key));
    dirty_.push_back(entry);
    found->second = entry;
  }
  Counter& counter = found->second->counter;
  if (!live(counter.expires_at_ms, now_ms)) counter = Counter{};  // written as if absent, as Redis does
  return counter;
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

// The slots of the request's ids on their way into the cache before they are looked up.
void Writer::prefetch_ids(const Request& request) {
  for (std::size_t index = 0; index < request.events.size(); ++index) {
    if (request.ids.has_id(index)) known_ids().prefetch(request.ids.fingerprint(index));
  }
}

// The log's ids, read the first time an event brings one: `metrics`, `export`, `track` and
// events without ids never pay for reading a week of ids at start-up.
EventIdSet& Writer::known_ids() {
  if (!ids_read_) {
    ids_.reserve(logged_ids_estimate());
    read_logged_ids();
    ids_read_ = true;
  }
  return ids_;
}

// Each changed counter is written once per batch, however many events touched it.
void Writer::write_dirty() {
  for (CounterCache::Entry* entry : dirty_) {
    write_row(entry->key, entry->counter);
  }
  dirty_.clear();
  dirty_by_key_.clear();
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

// A value as SET leaves it: an HLL's bytes stay a blob (what load() parses as one), INCR's
// integers an integer, anything else (INCRBYFLOAT's sums) text.
void Writer::write_restored_row(const StoredKey& key) {
  const ResetOnExit reset(upsert_);
  upsert_.bind(1, key.key);
  if (const auto integer = canonical_integer(key.value)) upsert_.bind(2, *integer);
  else if (key.value.starts_with(kHllMagic)) upsert_.bind_blob(2, key.value);
  else upsert_.bind(2, std::string_view(key.value));
  upsert_.bind_expiry(3, key.expires_at_ms);
  upsert_.step();
}

}  // namespace ie::sqlite
