#pragma once
// What GET /-/events tells a listener about one accepted event (DESIGN.md "Live event stream"), as
// Server-Sent Events. One message per event, after its commit:
//
//   event: tracked
//   id: 17
//   data: {"name":"pull_package","source":"browser","received_at":"2026-12-07T01:02:03.456Z",
//          "event_id":"…","counted":true,"identifiers":{"user":1,"project":7},
//          "properties":{"label":"npm","value":2.5},
//          "keys":["{hll_counters}_pull_package-user-2026-49",…],
//          "snowplow":{"queued":false,"payload":{"e":"se","se_ac":"pull_package",…,
//                      "contexts":{"schema":"…contexts…","data":[…]}}}}
//
// (data is one line.) The payload is the Snowplow copy as the outbox keeps it, with `cx` decoded
// into `contexts` (and `ue_px` into `unstruct`), so its user ids are the pseudonyms that leave the
// receiver, never the raw ids above them. `snowplow` is null when no copy is sent for the event.
// Written by hand, as the payloads are: a listener may take thousands of messages at once, and
// nlohmann's parse and dump of each payload made rendering one 5 µs.
// A listener that fell behind is told how many messages it lost:
//
//   event: lost
//   data: {"lost":12}
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/counter_writes.hpp"
#include "core/event.hpp"
#include "core/snowplow/payload.hpp"

namespace ie {

struct LiveEvent {
  std::string_view name;
  const Event* event = nullptr;  // null: a Snowplow tracker's event that is no internal event
  snowplow::Origin origin = snowplow::Origin::backend;
  std::string_view event_id;
  std::int64_t received_at_ms = 0;
  bool counted = true;  // false: a Snowplow tracker's event, only forwarded
  std::span<const CounterKey> keys{};                // each once (counter_keys_of)
  std::optional<std::string_view> snowplow_payload;  // the outbox's JSON of its copy
  bool snowplow_queued = false;                      // false: no collector, shown as it would be sent
};

// The message's data: one line of JSON.
std::string live_event_data(const LiveEvent& event);

// The keys an event's writes touch, each once, in the order first written (two rules may share a
// key), appended to `keys`; those before `from` are other events' and do not count.
template <typename Keys, typename Writes>
void counter_keys_of(const Writes& writes, Keys& keys, std::size_t from = 0) {
  for (const CounterWrite& write : writes) {
    if (std::find(keys.begin() + from, keys.end(), write.key) == keys.end()) keys.push_back(write.key);
  }
}

// A whole message, ready to write: `event: TYPE`, `id: ID` when there is one, `data: DATA`.
std::string server_sent_event(std::string_view type, std::optional<std::uint64_t> id, std::string_view data);
std::string lost_events_message(std::uint64_t lost);

// The `?event=a,b` filter of a listener: the names it wants, none meaning every event.
std::vector<std::string> event_filter_of(std::string_view list);

}  // namespace ie
