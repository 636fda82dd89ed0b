#include "native/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <variant>

#include "core/hll.hpp"

namespace ie {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr std::size_t kCachedCounters = 4096;  // between batches; a dense HLL is 12 KB
constexpr std::size_t kIdleReaders = 8;
constexpr auto kPurgeInterval = std::chrono::minutes(1);

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at_ms INTEGER);
CREATE INDEX IF NOT EXISTS counters_by_expiry ON counters (expires_at_ms) WHERE expires_at_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS event_ids (id TEXT PRIMARY KEY, expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_ids_by_expiry ON event_ids (expires_at_ms);
)sql";

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Redis's rule (db.c keyIsExpired): a key is gone once the clock is past its expiry time.
bool live(std::int64_t expires_at_ms, std::int64_t now_ms) { return expires_at_ms == 0 || now_ms <= expires_at_ms; }

// ---------------------------------------------------------------------------------------------
// SQLite handles. Every failure of SQLite itself (busy past the timeout, disk full, I/O) means
// the store cannot commit right now: StoreUnavailable, with the file and SQLite's reason.

[[noreturn]] void fail(sqlite3* db, std::string_view doing) {
  const char* file = sqlite3_db_filename(db, "main");
  throw StoreUnavailable("sqlite:" + std::string(file ? file : "?") + ": " + std::string(doing) + ": " +
                         sqlite3_errmsg(db));
}

// Each connection is used by one thread at a time (the writer thread, or a leased reader), so
// SQLite's own mutexes are off.
class Connection {
 public:
  explicit Connection(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    const int code = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(db);
    if (code != SQLITE_OK) throw StoreUnavailable("sqlite:" + path.string() + ": cannot open: " + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
  }

  sqlite3* get() const { return db_.get(); }

  void execute(const char* sql) {
    if (sqlite3_exec(get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(get(), sql);
  }

  // Never throws: used while another exception is on its way out.
  void rollback_if_open() noexcept {
    if (!sqlite3_get_autocommit(get())) sqlite3_exec(get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

// A prepared statement, kept for the life of its connection. Bound text and blobs are not copied:
// they must outlive the step that reads them.
class Statement {
 public:
  Statement(const Connection& connection, const char* sql) : db_(connection.get()) {
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement_, nullptr) != SQLITE_OK) fail(db_, sql);
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, std::string_view text) { sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC); }
  void bind_blob(int index, std::string_view bytes) { sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC); }
  void bind(int index, std::int64_t number) { sqlite3_bind_int64(statement_, index, number); }
  // 0 is "no expiry", stored as NULL.
  void bind_expiry(int index, std::int64_t expires_at_ms) {
    if (expires_at_ms == 0) sqlite3_bind_null(statement_, index);
    else bind(index, expires_at_ms);
  }

  // true: a row is ready; false: done.
  bool step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code != SQLITE_DONE) fail(db_, sqlite3_sql(statement_));
    return false;
  }
  void run();  // step once, then reset
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  int type(int column) const { return sqlite3_column_type(statement_, column); }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  std::string_view bytes(int column) const {
    const void* data = sqlite3_column_blob(statement_, column);
    return {static_cast<const char*>(data), static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))};
  }
  std::int64_t expiry(int column) const { return type(column) == SQLITE_NULL ? 0 : integer(column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement on leaving the scope, so none keeps a read snapshot (or its bindings) open.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& statement) : statement_(statement) {}
  ~ResetOnExit() { statement_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& statement_;
};

void Statement::run() {
  const ResetOnExit reset(*this);
  step();
}

// ---------------------------------------------------------------------------------------------
// Counters with Redis's semantics: what PFADD, INCR and INCRBYFLOAT do to a string, including
// the errors Redis gives when a key holds the wrong kind of value.

// Missing, an HLL (Redis's bytes), an INCR integer, or the decimal text INCRBYFLOAT leaves.
using CounterValue = std::variant<std::monostate, HyperLogLog, std::int64_t, std::string>;

struct Counter {
  CounterValue value;
  std::int64_t expires_at_ms = 0;  // 0: no TTL
};

[[noreturn]] void wrong_value(const std::string& key, const char* what) {
  throw std::runtime_error("counter " + key + ": " + what);
}

// INCRBYFLOAT's arithmetic (t_string.c): long doubles, printed with 17 decimals and the trailing
// zeros removed (util.c ld2string, LD_STR_HUMAN), so the text equals what Redis stores.
std::string redis_float_text(long double value) {
  const int length = std::snprintf(nullptr, 0, "%.17Lf", value);
  std::string text(static_cast<std::size_t>(length), '\0');
  std::snprintf(text.data(), text.size() + 1, "%.17Lf", value);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text == "-0" ? "0" : text;
}

std::optional<long double> parse_long_double(const std::string& text) {
  char* end = nullptr;
  const long double value = std::strtold(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || std::isnan(value)) return std::nullopt;
  return value;
}

void redis_pfadd(Counter& counter, const CounterWrite& write) {
  if (std::holds_alternative<std::monostate>(counter.value)) counter.value.emplace<HyperLogLog>();
  auto* hll = std::get_if<HyperLogLog>(&counter.value);
  if (!hll) wrong_value(write.key, "WRONGTYPE Key is not a valid HyperLogLog string value.");
  hll->add(write.member);
}

void redis_incr(Counter& counter, const CounterWrite& write) {
  std::int64_t current = 0;
  if (const auto* integer = std::get_if<std::int64_t>(&counter.value)) {
    current = *integer;
  } else if (const auto* text = std::get_if<std::string>(&counter.value)) {
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), current);
    if (error != std::errc() || end != text->data() + text->size()) wrong_value(write.key, "value is not an integer or out of range");
  } else if (!std::holds_alternative<std::monostate>(counter.value)) {
    wrong_value(write.key, "value is not an integer or out of range");
  }
  if (current == std::numeric_limits<std::int64_t>::max()) wrong_value(write.key, "increment or decrement would overflow");
  counter.value = current + 1;
}

void redis_incrbyfloat(Counter& counter, const CounterWrite& write) {
  long double current = 0;
  if (const auto* integer = std::get_if<std::int64_t>(&counter.value)) {
    current = static_cast<long double>(*integer);
  } else if (const auto* text = std::get_if<std::string>(&counter.value)) {
    const auto parsed = parse_long_double(*text);
    if (!parsed) wrong_value(write.key, "value is not a valid float");
    current = *parsed;
  } else if (!std::holds_alternative<std::monostate>(counter.value)) {
    wrong_value(write.key, "value is not a valid float");
  }
  const auto amount = parse_long_double(incrbyfloat_argument(write.amount));
  if (!amount) wrong_value(write.key, "value is not a valid float");
  const long double result = current + *amount;
  if (!std::isfinite(result)) wrong_value(write.key, "increment would produce NaN or Infinity");
  counter.value = redis_float_text(result);
}

// EXPIRE key ttl (refresh) or EXPIRE key ttl NX (if_none), after the write as GitLab sends them.
void redis_expire(Counter& counter, Expiry expiry, std::int64_t now_ms) {
  const std::int64_t expires_at_ms = now_ms + kWeeklyKeyTtlSeconds * 1000;
  if (expiry == Expiry::refresh || (expiry == Expiry::if_none && counter.expires_at_ms == 0)) {
    counter.expires_at_ms = expires_at_ms;
  }
}

void redis_write(Counter& counter, const CounterWrite& write, std::int64_t now_ms) {
  switch (write.operation) {
    case CounterOperation::pfadd: redis_pfadd(counter, write); break;
    case CounterOperation::incr: redis_incr(counter, write); break;
    case CounterOperation::incrbyfloat: redis_incrbyfloat(counter, write); break;
  }
  redis_expire(counter, write.expiry, now_ms);
}

// ---------------------------------------------------------------------------------------------
// The writer's counters, parsed, most recently used first, so a hot weekly HLL is parsed once and
// not per event. Write-through: after a commit they equal the rows. Bounded by count between
// batches; within a batch it may grow, since what a batch changed must stay until written.

class CounterCache {
 public:
  struct Entry {
    std::string key;
    Counter counter;
    bool dirty = false;  // changed in the current batch, not yet written
  };

  Entry* find(const std::string& key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, found->second);
    return &entries_.front();
  }

  Entry& insert(const std::string& key, Counter counter) {
    entries_.push_front(Entry{key, std::move(counter)});
    index_.emplace(entries_.front().key, entries_.begin());
    return entries_.front();
  }

  void trim(std::size_t capacity) {
    while (entries_.size() > capacity) {
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
  }

  void clear() {
    index_.clear();
    entries_.clear();
  }

 private:
  std::list<Entry> entries_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views of entries_' keys
};

// ---------------------------------------------------------------------------------------------
// The writer: the one connection that writes, used only by the writer thread.

// One apply_async() call waiting for its commit.
struct Request {
  std::vector<EventWrites> events;
  std::int64_t now_ms;
  ApplyDone done;
};

class Writer {
 public:
  explicit Writer(const std::filesystem::path& path)
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

  // Applies every request in one transaction: all results, or an exception and nothing written.
  std::vector<ApplyResult> commit(const std::vector<Request>& batch) {
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

  void purge(std::int64_t now_ms) {
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

 private:
  static Connection create_schema(const std::filesystem::path& path);

  // Another process (`internal-events track` next to the server) may have committed since our
  // last transaction; then the cached counters may be stale.
  void forget_if_written_elsewhere() {
    const ResetOnExit reset(data_version_);
    data_version_.step();
    const std::int64_t version = data_version_.integer(0);
    if (version != data_version_seen_) cache_.clear();
    data_version_seen_ = version;
  }

  ApplyResult apply(const Request& request) {
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

  bool remember_id(const std::string& id, std::int64_t now_ms) {
    const ResetOnExit reset(remember_id_);
    remember_id_.bind(1, id);
    remember_id_.bind(2, now_ms + kEventIdWindowMs);
    remember_id_.bind(3, now_ms);
    remember_id_.step();
    return sqlite3_changes(db_.get()) == 1;
  }

  Counter& counter_for_write(const std::string& key, std::int64_t now_ms) {
    CounterCache::Entry* entry = cache_.find(key);
    if (!entry) entry = &cache_.insert(key, load(key));
    if (!live(entry->counter.expires_at_ms, now_ms)) entry->counter = Counter{};  // written as if absent, as Redis does
    if (!entry->dirty) {
      entry->dirty = true;
      dirty_.push_back(entry);
    }
    return entry->counter;
  }

  Counter load(const std::string& key) {
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

  static HyperLogLog hll_from_row(const std::string& key, std::string_view bytes) {
    try {
      return HyperLogLog::from_redis_bytes(bytes);
    } catch (const HllCorruptError& error) {
      wrong_value(key, error.what());
    }
  }

  // Each changed counter is written once per batch, however many events touched it.
  void write_dirty() {
    for (CounterCache::Entry* entry : dirty_) {
      write_row(entry->key, entry->counter);
      entry->dirty = false;
    }
    dirty_.clear();
  }

  void write_row(const std::string& key, const Counter& counter) {
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

  Connection db_;
  Statement begin_, commit_, data_version_, select_, upsert_, remember_id_, purge_counters_, purge_ids_;
  CounterCache cache_;
  std::vector<CounterCache::Entry*> dirty_;
  std::int64_t data_version_seen_ = -1;
};

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

// ---------------------------------------------------------------------------------------------
// Readers: connections of their own, so reads never wait for the writer (WAL).

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path)
      : db_(path),
        select_(db_, "SELECT value, expires_at_ms FROM counters WHERE key = ?1"),
        live_counters_(db_, "SELECT key, value, expires_at_ms FROM counters WHERE expires_at_ms IS NULL OR expires_at_ms >= ?1 ORDER BY key"),
        live_ids_(db_, "SELECT id, expires_at_ms FROM event_ids WHERE expires_at_ms >= ?1 ORDER BY id") {}

  // As multi-key PFCOUNT: the union of the registers, then one estimate.
  std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) {
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

  double sum(const std::vector<std::string>& keys, std::int64_t now_ms) {
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

  std::vector<StoredKey> dump(std::int64_t now_ms) {
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
    const ResetOnExit reset(live_ids_);
    live_ids_.bind(1, now_ms);
    while (live_ids_.step()) keys.push_back({std::string(kEventIdKeyPrefix) + std::string(live_ids_.bytes(0)), "1", live_ids_.integer(1)});
    return keys;
  }

 private:
  // Leaves the row in select_ when the key is present and unexpired.
  bool find_live(const std::string& key, std::int64_t now_ms) {
    select_.bind(1, key);
    return select_.step() && live(select_.expiry(1), now_ms);
  }

  Connection db_;
  Statement select_, live_counters_, live_ids_;
};

// Idle readers; a caller takes one (or opens a new one when none is idle) and gives it back.
class ReaderPool {
 public:
  explicit ReaderPool(std::filesystem::path path) : path_(std::move(path)) {}

  template <typename Use>
  auto with_reader(Use&& use) {
    std::unique_ptr<Reader> reader = take();
    auto result = use(*reader);
    give_back(std::move(reader));
    return result;
  }

 private:
  std::unique_ptr<Reader> take() {
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

  void give_back(std::unique_ptr<Reader> reader) {
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kIdleReaders) idle_.push_back(std::move(reader));
  }

  std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Reader>> idle_;
};

std::filesystem::path with_parent_folders(const std::filesystem::path& path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  return path;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Group commit: callers queue requests; the writer thread commits whatever has queued up.

struct SqliteStore::Impl {
  explicit Impl(const std::filesystem::path& file) : path(with_parent_folders(file)), writer(path), readers(path) {
    thread = std::thread([this] { run_writer(); });
  }

  ~Impl() {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_one();
    thread.join();
  }

  void run_writer() {
    auto next_purge = std::chrono::steady_clock::now();  // the first one follows the first batch
    const auto has_work = [&] { return stopping || !queue.empty(); };
    std::unique_lock lock(mutex);
    while (!stopping || !queue.empty()) {
      if (caller_clock_offset_ms) wake.wait_until(lock, next_purge, has_work);
      else wake.wait(lock, has_work);
      std::vector<Request> batch;
      batch.swap(queue);
      lock.unlock();
      if (!batch.empty()) commit(batch);
      if (caller_clock_offset_ms && std::chrono::steady_clock::now() >= next_purge) {
        purge();
        next_purge = std::chrono::steady_clock::now() + kPurgeInterval;
      }
      lock.lock();
    }
  }

  // Every request of the batch is answered: all with their results, or all with the failure.
  void commit(std::vector<Request>& batch) {
    std::int64_t latest_now_ms = batch.front().now_ms;
    for (const Request& request : batch) latest_now_ms = std::max(latest_now_ms, request.now_ms);
    caller_clock_offset_ms = latest_now_ms - wall_clock_ms();
    std::vector<ApplyResult> results;
    std::exception_ptr error;
    try {
      results = writer.commit(batch);
    } catch (...) {
      error = std::current_exception();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(error, error ? ApplyResult{} : results[i]);
  }

  // Deletes what has expired for both the wall clock and the callers' clock: now_ms is a parameter
  // (tests and replays pass their own, often in the past), and what callers still read must stay.
  // Purging waits for the first batch, which tells where the callers' clock is.
  void purge() {
    try {
      writer.purge(wall_clock_ms() + std::min<std::int64_t>(0, *caller_clock_offset_ms));
    } catch (const StoreUnavailable&) {
      // Only space is at stake (reads skip expired rows): the next purge tries again.
    }
  }

  std::filesystem::path path;
  Writer writer;  // only the writer thread touches it
  ReaderPool readers;
  std::optional<std::int64_t> caller_clock_offset_ms;  // latest batch's now_ms minus the wall clock; writer thread only

  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Request> queue;
  bool stopping = false;
  std::thread thread;
};

SqliteStore::SqliteStore(const std::filesystem::path& path) : impl_(std::make_unique<Impl>(path)) {}

SqliteStore::~SqliteStore() = default;

// Callers never wait here, so a commit takes whatever every caller has queued meanwhile.
void SqliteStore::apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) {
  if (events.empty()) return done(nullptr, {});
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->queue.push_back(Request{std::move(events), now_ms, std::move(done)});
  }
  impl_->wake.notify_one();
}

std::uint64_t SqliteStore::count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) {
  return impl_->readers.with_reader([&](Reader& reader) { return reader.count_unique(keys, now_ms); });
}

double SqliteStore::sum(const std::vector<std::string>& keys, std::int64_t now_ms) {
  return impl_->readers.with_reader([&](Reader& reader) { return reader.sum(keys, now_ms); });
}

std::vector<StoredKey> SqliteStore::dump(std::int64_t now_ms) {
  return impl_->readers.with_reader([&](Reader& reader) { return reader.dump(now_ms); });
}

std::string SqliteStore::describe() const { return "sqlite:" + impl_->path.string(); }

}  // namespace ie
