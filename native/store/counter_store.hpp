#pragma once
// Where counters live. Every store applies core's CounterWrites (Redis's semantics: PFADD, INCR,
// INCRBYFLOAT, six-week TTLs) and answers the two questions metrics ask: the cardinality of a
// union of HLL keys, and the sum of counter keys. Implementations: sqlite_store (embedded, the
// default) and redis_store. Each store also holds the Snowplow outbox (outbox.hpp), written in
// the same commit as the counters, and the installation's settings (its instance secret).
#include <boost/container/small_vector.hpp>
#include <charconv>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/counter_writes.hpp"
#include "native/store/outbox.hpp"
#include "native/wait_for.hpp"

namespace ie {

// The store cannot be reached or cannot commit right now; nothing of the batch was written, and
// the caller may retry (HTTP 503).
struct StoreUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The counter writes of one tracked event. An event with an id is applied at most once: the id
// is remembered (durably, in the same commit) for the store's dedup window.
//
// An event's few writes are held inline: one allocation each, made on an HTTP thread and freed on
// the store's, was a tenth of the SQLite writer's time in 50-event batches.
struct EventWrites {
  static constexpr std::size_t kInlineWrites = 4;  // an event with a unique, a weekly and an all-time total, and one more

  std::string event_id;  // empty: no deduplication
  boost::container::small_vector<CounterWrite, kInlineWrites> writes;
  std::string snowplow_event{};  // its copy for the collector, queued in the outbox; empty: none
};

// The text INCRBYFLOAT receives for an amount: the shortest decimal that reads back as the same
// double. Redis adds it as a long double parsed from this text, and the SQLite store parses the
// same text, so both stores hold the same sum after the same adds.
inline std::string incrbyfloat_argument(double amount) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, amount).ptr);
}

struct ApplyResult {
  std::size_t applied = 0;
  std::size_t duplicates = 0;  // events whose id was already seen: accepted, changed nothing
  std::size_t snowplow_dropped = 0;  // copies not queued: the outbox was full (counters still applied)
};

// One key as stored, for `export`: raw value bytes as Redis's GET would return them.
struct StoredKey {
  std::string key;
  std::string value;               // HLL bytes, or the decimal text of a total or sum
  std::int64_t expires_at_ms = 0;  // 0: never
};

// How an asynchronous apply ends: an exception (StoreUnavailable…) and nothing written, or the
// result. Called exactly once; it must not throw, and should be quick when it runs on the store's
// own thread, which commits nothing else meanwhile.
using ApplyDone = std::function<void(std::exception_ptr, ApplyResult)>;

inline constexpr std::int64_t kEventIdWindowMs = 7LL * 24 * 3600 * 1000;
inline constexpr std::uint64_t kDefaultEventIdMemoryMax = std::uint64_t{512} << 20;  // 512 MiB

class CounterStore {
 public:
  virtual ~CounterStore() = default;

  // All events' writes in one atomic, durable commit. Returns at once; `done` follows once the
  // commit is known, on the store's own thread, so no caller's thread waits for it and calls
  // made meanwhile may share a commit (group commit). Fails with StoreUnavailable; a key that
  // holds a value of another kind (Redis's WRONGTYPE, only ever put there by someone else) is a
  // plain std::runtime_error.
  virtual void apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) = 0;

  // apply_async(), waited for: returns once committed, or throws what `done` received.
  ApplyResult apply(std::vector<EventWrites> events, std::int64_t now_ms) {
    return wait_for<ApplyResult>([&](ApplyDone done) { apply_async(std::move(events), now_ms, std::move(done)); });
  }

  // PFCOUNT over the union of the keys (missing or expired keys count as empty).
  virtual std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) = 0;

  // The sum of the numeric keys (totals or sums; missing or expired keys are 0).
  virtual double sum(const std::vector<std::string>& keys, std::int64_t now_ms) = 0;

  // Every live key, for export into Redis and `copy`, under GitLab's key names (a cluster store
  // names its keys back).
  virtual std::vector<StoredKey> dump(std::int64_t now_ms) = 0;

  // Writes keys as dump() gave them, for `copy`: each value replaces what the key held, with the
  // same expiry, so that restoring twice leaves what restoring once did. Keys that are already
  // expired at now_ms are skipped. Returns how many keys were written; keys the store cannot hold
  // (a cluster cannot place an event id whose event it is not told) are skipped and not counted.
  // The SQLite store never shortens an event id's window: one it remembers longer keeps its expiry.
  virtual std::size_t restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) = 0;

  // A short description for start-up messages: "sqlite:data/x.sqlite3".
  virtual std::string describe() const = 0;

  // The Snowplow copies waiting for the collector.
  virtual Outbox& outbox() = 0;

  // Past this many waiting entries, new Snowplow copies are dropped (and counted in ApplyResult).
  virtual void set_outbox_max_events(std::uint64_t max_events) = 0;

  // The event-id window as it stands. The SQLite store keeps its ids in memory, at most
  // set_event_id_memory_max() bytes of them: past that it forgets the oldest early and the window
  // shortens. Redis and the cluster keep ids in Redis with their TTL: always the whole window.
  struct EventIdWindow {
    std::int64_t window_ms = kEventIdWindowMs;
    std::uint64_t memory_bytes = 0;  // what the remembered ids take in this process
  };
  virtual EventIdWindow event_id_window(std::int64_t /*now_ms*/) const { return {}; }
  virtual void set_event_id_memory_max(std::uint64_t /*bytes*/) {}

  // A setting of the installation, shared by every process on the store: the value kept under
  // `name`, or `value_if_new` when there is none yet, which is kept then (the first writer wins).
  virtual std::string setting(std::string_view name, std::string_view value_if_new) = 0;
};

// Opens "sqlite:PATH", "redis://HOST:PORT[/DB]" or "redis-cluster://…" (open_store.hpp); throws std::invalid_argument for other URLs.
std::unique_ptr<CounterStore> open_store(const std::string& url);

inline constexpr const char* kDefaultStoreUrl = "sqlite:data/internal-events.sqlite3";
// Where Redis remembers an event id (`{event_ids}_<id>`); the SQLite store exports its ids so.
inline constexpr std::string_view kEventIdKeyPrefix = "{event_ids}_";

}  // namespace ie
