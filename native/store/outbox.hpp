#pragma once
// The Snowplow outbox of a store: the copies of tracked events waiting for the collector. Entries
// are added by CounterStore::apply_async, in the same commit as the event's counters (an
// EventWrites with a snowplow_event), so an acknowledged event always has its copy queued. They
// leave only after the collector's 2xx (remove) or a refusal (bury, into the dead letters).
//
// Several emitters (receiver processes) may share one store; claim() makes sure that an entry is
// in the hands of one at a time. A claim is a lease: an emitter keeps it with renew() while it
// retries, and what a dead emitter held is claimed by another once the lease has run out.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ie {

struct OutboxEntry {
  std::string id;                // the store's own: a row number, a stream id
  std::string payload;           // one event as snowplow::structured_event_json made it
  std::int64_t queued_at_ms = 0;
};

struct DeadLetter {
  OutboxEntry entry;
  int status = 0;       // the collector's HTTP status
  std::string reason;   // and the first bytes of its answer
  std::int64_t dead_at_ms = 0;
};

struct OutboxStatus {
  std::uint64_t depth = 0;                         // entries waiting (claimed or not)
  std::optional<std::int64_t> oldest_queued_at_ms;  // of those
  std::uint64_t dead_letters = 0;
};

inline constexpr std::int64_t kOutboxLeaseMs = 30'000;
inline constexpr std::uint64_t kDefaultOutboxMaxEvents = 10'000'000;

class Outbox {
 public:
  virtual ~Outbox() = default;

  // The oldest unclaimed entries, in order, up to `max_bytes` of payload (at least one), now
  // leased to `owner` until now_ms + kOutboxLeaseMs. Empty when nothing waits, or when another
  // live emitter holds the store's lease (SQLite has one emitter at a time). StoreUnavailable.
  virtual std::vector<OutboxEntry> claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) = 0;
  // Extends the lease on entries `owner` claimed and still holds.
  virtual void renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t now_ms) = 0;
  // Gives up every lease `owner` holds, so that another emitter need not wait for it to run out.
  virtual void release(std::string_view owner) = 0;
  // Delivered: gone for good.
  virtual void remove(const std::vector<OutboxEntry>& entries) = 0;
  // Refused by the collector: moved into the dead letters with why.
  virtual void bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) = 0;

  virtual OutboxStatus status(std::int64_t now_ms) = 0;
  virtual std::vector<DeadLetter> dead_letters(std::size_t limit) = 0;
  // Moves every dead letter back into the outbox, behind what waits there; returns how many.
  virtual std::size_t retry_dead() = 0;
};

}  // namespace ie
