#pragma once
// What the browser module sends for one event, in the receiver's JSON API shape (DESIGN.md,
// POST /api/v4/usage_data/track_events), and the batch body around those events:
//
//   {"events":[{"event":"…","eid":"…","user_id":1,"project_id":2,"namespace_id":3,
//               "additional_properties":{…},"category":"…"}, …],"identity":"…"}
//
// Every event carries a UUID v4 `eid` so that a batch sent twice (a retry after a lost answer, a
// beacon on page hide while a fetch was in flight) is counted once: the receiver remembers ids.
// Core reads no random source: the 16 random bytes are a parameter (crypto.getRandomValues in
// the browser), which also makes the formatting testable.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/event.hpp"

namespace ie {

using UuidBytes = std::array<std::uint8_t, 16>;

// RFC 9562 version 4: the random bytes with the version nibble set to 4 and the variant bits to
// 10, written as 8-4-4-4-12 lowercase hex digits.
std::string format_uuid_v4(UuidBytes random);

// One event object. `category` is left out when empty (the receiver then uses its default,
// InternalEventTracking). Properties come out in key order, so equal events give equal text.
std::string event_payload_json(const Event& event, std::string_view eid, std::string_view category = {});

// The request body for events already written by event_payload_json and joined with commas.
// `identity` (a signed token) is left out when empty.
std::string batch_body_json(std::string_view joined_events, std::string_view identity);

// The bytes batch_body_json adds around the joined events, so a batch's size is known before
// its body is built.
std::size_t batch_body_overhead(std::string_view identity);

}  // namespace ie
