#pragma once
// The accepted events of one committed batch as the live event stream keeps them until listeners
// take them: what their messages say, not yet written out.
//
// Why not the messages themselves: the tracker made each message as it tracked, and with one
// listener that never read, batched ingest ran at 0.08 of its rate without one
// (bench/event_stream.sh): rendering (the Snowplow copy it would send, with its HMAC pseudonyms,
// and the JSON) cost more than tracking the event. A listener that falls behind drops most records
// unread, so a record is made from what tracking already has (the validated event and the category
// are moved in, its keys are interned pointers) and rendered once, on the first listener's thread
// that takes it, for all of them.
//
// Why a batch, made in one allocation and shared whole: with a record and a shared pointer per
// event, and a listener's backlog holding one entry per event, a stalled listener still cost
// ingest 0.8-0.89 of its rate; perf put a tenth of all the receiver's time in making, queueing,
// dropping and freeing those (on the store's writer, the one thread every event passes). Now a
// listener keeps spans of batches, and one allocation and free serve fifty events.
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/counter_key.hpp"
#include "core/event.hpp"
#include "core/snowplow/payload.hpp"
#include "native/snowplow/event_copies.hpp"

namespace ie {

struct LiveRecord {
  // What a Snowplow tracker's event that is only forwarded is called in the stream and the logs.
  static constexpr std::string_view kForwardedOnly = "(Snowplow event)";

  std::optional<Event> event;  // none: a Snowplow tracker's event that is only forwarded
  snowplow::Origin origin = snowplow::Origin::backend;
  std::string category;
  // A UUID fits inline: no allocation for it per event.
  boost::container::small_vector<char, 36> event_id;
  std::int64_t received_at_ms = 0;
  boost::container::small_vector<CounterKey, 4> keys;
  // Its Snowplow copy as queued; when none was (no collector), `preview` makes the one it would be.
  std::string queued_copy;
  const snowplow::EventCopies* preview = nullptr;

  // What the record holds, roughly: what bounds a listener's backlog in bytes. Set with the
  // batch's (LiveBatch::estimate_size()), as every listener's backlog counts it twice.
  std::size_t estimated_bytes = 0;
  void estimate_size();

  std::string_view name() const { return event ? std::string_view(event->name) : kForwardedOnly; }
  // The message's data (core/live_event.hpp), made on the first call. Thread-safe.
  const std::string& data() const;

 private:
  std::string render() const;

  mutable std::once_flag rendered_;
  mutable std::string data_;
};

// A committed batch's records, in one allocation: room for `capacity`, the first size() filled.
class LiveBatch {
 public:
  explicit LiveBatch(std::size_t capacity) : records_(capacity) {}
  LiveRecord& add() { return records_[size_++]; }  // at most `capacity` times
  std::size_t size() const { return size_; }
  const LiveRecord& operator[](std::size_t index) const { return records_[index]; }

  std::uint64_t first_id = 0;  // the message id of the first record (EventStream::publish sets it)
  // Of all its records: a listener that wants every event takes the batch as one span without
  // looking at its records. estimate_size() sets it and each record's, once they are filled in, on
  // the thread that filled them (the tracker's, while they are in its cache).
  std::size_t estimated_bytes = 0;
  void estimate_size();

 private:
  std::vector<LiveRecord> records_;
  std::size_t size_ = 0;
};

}  // namespace ie
