#pragma once
// The accepted events of one committed batch as the live event stream keeps them until listeners
// take them: what their messages will say, packed, not yet written out.
//
// Why not the messages themselves: the tracker made each message as it tracked, and with one
// listener that never read, batched ingest ran at 0.08 of its rate without one
// (bench/event_stream.sh): rendering (the Snowplow copy it would send, with its HMAC pseudonyms,
// and the JSON) cost more than tracking the event. A listener that falls behind drops most records
// unread, so a record keeps what tracking already has and is rendered once, on the first
// listener's thread that takes it, for all of them.
//
// Why a batch shared whole: with a record and a shared pointer per event, and a listener's backlog
// holding one entry per event, a stalled listener cost ingest 0.8-0.89 of its rate; perf put a
// tenth of all the receiver's time in making, queueing, dropping and freeing those. A listener
// keeps spans of batches, and batches are recycled (live_batch_pool.hpp).
//
// Why packed: a record that held the validated Event, its category and copy as strings and its
// keys in a small vector was 360 bytes and two or three heap blocks (the name, the properties'
// vector), about 700 bytes an event. A stalled listener holds 500 of them, so each new record was
// written over memory last touched 500 events before, out of the core's cache, and every one of
// its strings and properties was freed cold, on the store's thread: 0.86 of the rate without a
// listener. Packed, a record is a fixed part of about 130 bytes plus its text and properties
// appended to the batch's one buffer (about 100 bytes for a typical event), nothing of it is freed
// per event, and the Event is only made again for rendering. Packed and recycled, a stalled
// listener costs 0.97-0.98 of the rate (receiver CPU about 4 us more per 50-event request, against
// 15 before); packed but made new for each request, 0.90.
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/counter_writes.hpp"
#include "core/event.hpp"
#include "core/snowplow/payload.hpp"
#include "native/snowplow/event_copies.hpp"

namespace ie {

// One accepted event as the tracker has it; LiveBatch::add() copies what the stream keeps.
struct LiveInput {
  const Event* event = nullptr;  // null: a Snowplow tracker's event that is only forwarded
  snowplow::Origin origin = snowplow::Origin::backend;
  std::string_view category;
  std::string_view event_id;
  std::int64_t received_at_ms = 0;
  std::span<const CounterWrite> writes;  // the keys they touch are listed, each once
  std::string_view queued_copy;          // its Snowplow copy as queued; empty: none was
  // With no copy queued (no collector), what makes the one it would be; null: none would be.
  const snowplow::EventCopies* preview = nullptr;
};

// A committed batch's records: room for `capacity` reserved, the first size() filled.
class LiveBatch {
 public:
  // What a Snowplow tracker's event that is only forwarded is called in the stream and the logs.
  static constexpr std::string_view kForwardedOnly = "(Snowplow event)";

  explicit LiveBatch(std::size_t capacity) { reuse(capacity); }

  void add(const LiveInput& input);
  std::size_t size() const { return records_.size(); }

  std::string_view name(std::size_t index) const { return text(records_[index].name); }
  // What record `index` holds, roughly: what bounds a listener's backlog in bytes.
  std::size_t estimated_bytes(std::size_t index) const { return records_[index].estimated_bytes; }
  // Record `index`'s message data (core/live_event.hpp), rendered on the first call, once for every
  // listener. Thread-safe; the reference stays good while the caller holds the batch.
  const std::string& data(std::size_t index) const;

  std::uint64_t first_id = 0;  // the message id of the first record (EventStream::publish sets it)
  // Of all its records: a listener that wants every event takes the batch as one span without
  // looking at its records.
  std::size_t estimated_bytes() const { return estimated_bytes_; }

  // Empty again, with room for `capacity` records, keeping the memory it has (LiveBatchPool).
  void reuse(std::size_t capacity);
  // The memory it keeps for its records, whether filled or not.
  std::size_t footprint() const;

 private:
  struct Slice {  // of bytes_
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
  };
  struct Record {
    Slice name, event_id, category, queued_copy, properties;
    std::uint32_t first_key = 0;  // of keys_
    std::uint32_t key_count = 0;
    std::uint32_t property_count = 0;
    std::optional<std::int64_t> user, project, namespace_id;
    std::int64_t received_at_ms = 0;
    const snowplow::EventCopies* preview = nullptr;
    std::size_t estimated_bytes = 0;
    snowplow::Origin origin = snowplow::Origin::backend;
    bool counted = false;  // it has an Event: false for a Snowplow tracker's event, only forwarded
  };

  Slice append(std::string_view text);
  std::string_view text(Slice slice) const { return std::string_view(bytes_).substr(slice.offset, slice.size); }
  void list_keys(std::span<const CounterWrite> writes, Record& record);
  std::string render(const Record& record) const;

  std::vector<Record> records_;
  std::string bytes_;
  std::vector<CounterKey> keys_;
  std::size_t estimated_bytes_ = 0;
  mutable std::mutex render_mutex_;
  mutable std::vector<std::string> rendered_;  // by record, under render_mutex_; empty: not yet
};

}  // namespace ie
