// The store itself: the writer thread that group-commits what apply_async() queues, the schedule
// of the purge, and the reads handed to the reader pool. The parts live next to it:
// sqlite_handles (SQLite RAII), redis_values (Redis's semantics of the stored strings),
// counter_cache (the writer's LRU cache), sqlite_writer (the transactions), sqlite_readers.
#include "native/store/sqlite_store.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "native/store/sqlite_outbox.hpp"
#include "native/store/sqlite_readers.hpp"
#include "native/store/sqlite_writer.hpp"
#include "native/thread_name.hpp"
#include "native/wall_clock.hpp"

namespace ie {

namespace {

using sqlite::Reader;
using sqlite::ReaderPool;
using sqlite::Request;
using sqlite::Writer;

constexpr auto kPurgeInterval = std::chrono::minutes(1);

std::filesystem::path with_parent_folders(const std::filesystem::path& path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  return path;
}

// A restore() waiting for the writer thread; the caller waits for `done`, so the keys stay its own.
struct Restore {
  const std::vector<StoredKey>* keys;
  std::int64_t now_ms;
  std::function<void(std::exception_ptr, std::size_t)> done;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Group commit: callers queue requests; the writer thread commits whatever has queued up.

struct SqliteStore::Impl {
  explicit Impl(const std::filesystem::path& file) : path(with_parent_folders(file)), writer(path), readers(path), outbox(path) {
    thread = std::thread([this] {
      name_this_thread("ie-sqlite-write");
      run_writer();
    });
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
    const auto has_work = [&] { return stopping || !queue.empty() || !restores.empty(); };
    // Two vectors trade places, so the queue always has the room of an earlier batch: callers
    // queueing into a fresh one reallocated it under the lock, a few times a commit.
    std::vector<Request> batch;
    std::vector<Restore> restoring;
    std::unique_lock lock(mutex);
    while (!stopping || !queue.empty() || !restores.empty()) {
      if (caller_clock_offset_ms) wake.wait_until(lock, next_purge, has_work);
      else wake.wait(lock, has_work);
      batch.swap(queue);
      restoring.swap(restores);
      lock.unlock();
      if (!batch.empty()) commit(batch);
      batch.clear();
      for (Restore& restore : restoring) run(restore);
      restoring.clear();
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

  // A restore is its own transaction, after the batch queued with it (it never joins a group
  // commit: its size is the whole store's).
  void run(Restore& restore) {
    std::size_t written = 0;
    std::exception_ptr error;
    try {
      written = writer.restore(*restore.keys, restore.now_ms);
    } catch (...) {
      error = std::current_exception();
    }
    restore.done(error, written);
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
  sqlite::SqliteOutbox outbox;
  std::optional<std::int64_t> caller_clock_offset_ms;  // latest batch's now_ms minus the wall clock; writer thread only

  std::mutex mutex;
  std::condition_variable wake;
  std::vector<Request> queue;
  std::vector<Restore> restores;
  bool stopping = false;
  std::thread thread;
};

SqliteStore::SqliteStore(const std::filesystem::path& path) : impl_(std::make_unique<Impl>(path)) {}

SqliteStore::~SqliteStore() = default;

// Callers never wait here, so a commit takes whatever every caller has queued meanwhile.
void SqliteStore::apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) {
  if (events.empty()) return done(nullptr, {});
  sqlite::RequestIds ids(events);  // here, not on the writer's thread: see request_ids.hpp
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->queue.push_back(Request{std::move(events), now_ms, std::move(done), std::move(ids)});
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

std::size_t SqliteStore::restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) {
  return wait_for<std::size_t>([&](std::function<void(std::exception_ptr, std::size_t)> done) {
    {
      const std::lock_guard lock(impl_->mutex);
      impl_->restores.push_back(Restore{&keys, now_ms, std::move(done)});
    }
    impl_->wake.notify_one();
  });
}

std::string SqliteStore::describe() const { return "sqlite:" + impl_->path.string(); }

Outbox& SqliteStore::outbox() { return impl_->outbox; }

void SqliteStore::set_outbox_max_events(std::uint64_t max_events) { impl_->writer.outbox_max_events = max_events; }

SqliteStore::EventIdWindow SqliteStore::event_id_window(std::int64_t now_ms) const {
  const std::int64_t forgotten_before = impl_->writer.event_ids_forgotten_before_ms.load(std::memory_order_relaxed);
  return {kEventIdWindowMs - std::max<std::int64_t>(0, forgotten_before - now_ms),
          impl_->writer.event_id_memory_bytes.load(std::memory_order_relaxed)};
}

void SqliteStore::set_event_id_memory_max(std::uint64_t bytes) { impl_->writer.event_id_memory_max = bytes; }

std::string SqliteStore::setting(std::string_view name, std::string_view value_if_new) {
  const sqlite::Connection db(impl_->path);
  return sqlite::keep_setting(db, name, value_if_new);
}

}  // namespace ie
