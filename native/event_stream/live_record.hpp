#pragma once
// One accepted event as the live event stream keeps it until a listener takes it: what its message
// says, not yet written out.
//
// Why not the message itself: the tracker made each message as it tracked, and with one listener
// that never read, batched ingest ran at 0.08 of its rate without one (bench/event_stream.sh):
// rendering (the Snowplow copy it would send, with its HMAC pseudonyms, and the JSON) cost more
// than tracking the event. A listener that falls behind drops most records unread, so a record is
// made from what tracking already has (the validated event is moved in, its keys are interned
// pointers) and rendered once, on the first listener's thread that takes it, for all of them.
#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/counter_key.hpp"
#include "core/event.hpp"
#include "core/snowplow/payload.hpp"
#include "native/snowplow/event_copies.hpp"

namespace ie {

struct LiveRecord {
  std::string name;
  std::optional<Event> event;  // none: a Snowplow tracker's event that is only forwarded
  snowplow::Origin origin = snowplow::Origin::backend;
  std::string category;
  std::string event_id;
  std::int64_t received_at_ms = 0;
  boost::container::small_vector<CounterKey, 4> keys;
  // Its Snowplow copy as queued; when none was (no collector), `preview` makes the one it would be.
  std::string queued_copy;
  const snowplow::EventCopies* preview = nullptr;

  // What the record holds, roughly: what bounds a listener's backlog in bytes. Set once filled in
  // (estimate_size()), as every listener's backlog counts it twice.
  std::size_t estimated_bytes = 0;
  void estimate_size();
  // The message's data (core/live_event.hpp), made on the first call. Thread-safe.
  const std::string& data() const;

 private:
  std::string render() const;

  mutable std::once_flag rendered_;
  mutable std::string data_;
};

}  // namespace ie
