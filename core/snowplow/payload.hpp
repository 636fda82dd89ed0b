#pragma once
// The Snowplow copy of a tracked event, as GitLab sends it: a structured event (e=se) with the
// gitlab_standard 1-1-7 and gitlab_service_ping 1-0-1 contexts, in Snowplow's tracker protocol.
//
//   one event, as queued in the outbox (every value a string, as payload_data 1-0-4 wants):
//     {"e":"se","eid":"…","tv":"…","p":"srv","aid":"internal-events","tna":"internal-events",
//      "dtm":"1733472000000","se_ca":"InternalEventTracking","se_ac":"pull_package",
//      "se_la":"npm","se_pr":"…","se_va":"2.5","cx":"<base64url of the contexts below>"}
//   cx, decoded:
//     {"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
//      "data":[{"schema":"iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7","data":{…}},
//              {"schema":"iglu:com.gitlab/gitlab_service_ping/jsonschema/1-0-1",
//               "data":{"data_source":"redis_hll","event_name":"pull_package"}}]}
//   the batch the emitter POSTs adds `stm` (when it was sent) to each event:
//     {"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[…]}
//
// Pure: the event id, the times and the pseudonymised user ids are parameters, computed by the
// caller (native code holds the clock, the random source and the instance secret).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"

namespace ie::snowplow {

inline constexpr std::string_view kPayloadDataSchema = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
inline constexpr std::string_view kContextsSchema = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";
inline constexpr std::string_view kStandardContextSchema = "iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7";
inline constexpr std::string_view kServicePingContextSchema = "iglu:com.gitlab/gitlab_service_ping/jsonschema/1-0-1";
inline constexpr std::string_view kDefaultCategory = "InternalEventTracking";
inline constexpr std::string_view kDefaultAppId = "internal-events";
inline constexpr std::string_view kTrackerVersion = "internal-events-cpp-" INTERNAL_EVENTS_VERSION;

// Where an event came from: `p` and the standard context's `source` follow from it.
enum class Origin {
  backend,  // the C++ API (p=srv, source "internal-events-cpp")
  browser,  // the browser module, through the JSON API (p=web, source "internal-events-js")
  tp2,      // a Snowplow tracker, through /tp2 or /i (forwarded as it came, never built here)
};

std::string_view platform_of(Origin origin);  // "srv", "web"
std::string_view source_of(Origin origin);    // "internal-events-cpp", "internal-events-js", "snowplow-tracker"

// What the installation says about itself in every standard context. Unset values are null.
// The optionals say `{}` so that a designated initializer leaving them out passes -Wextra.
struct Installation {
  std::string app_id = std::string(kDefaultAppId);
  std::string tracker_namespace = "internal-events";
  std::string environment = "production";
  std::optional<std::string> instance_id{};  // a UUID, kept in the store
  std::optional<std::string> host_name{};
  std::string instance_version = INTERNAL_EVENTS_VERSION;
  std::string deployment_type = "self-managed";
  std::optional<std::string> realm{};
};

// One validated event and what it needs besides the Event itself (the `{}` as in Installation).
struct EventCopy {
  const Event* event;
  Origin origin = Origin::backend;
  std::string category{};  // empty: InternalEventTracking
  std::string eid{};       // UUID v4
  std::int64_t tracked_at_ms = 0;  // dtm, and the context's context_generated_at
  std::optional<std::string> user_id{};         // already pseudonymised (44 base64 characters)
  std::optional<std::string> global_user_id{};  // already pseudonymised
  std::optional<std::string> correlation_id{};
};

// The event as the outbox keeps it: a JSON object of strings, without `stm`.
std::string structured_event_json(const EventCopy& copy, const Installation& installation);

// The standard context's data object (every field of the 1-1-7 list, unknown ones null), with
// the event's custom properties (those other than label, property, value) in `extra`.
std::string standard_context_json(const EventCopy& copy, const Installation& installation);

// RFC 4648 §5 (URL and filename safe alphabet), without padding, as Snowplow's trackers write cx.
std::string base64url(std::string_view bytes);
// Accepts both alphabets, with or without padding; std::nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text);
// RFC 4648 §4 with padding: the pseudonymised ids.
std::string base64(std::string_view bytes);

// ISO 8601 in UTC with milliseconds: 2024-12-06T08:00:00.000Z.
std::string iso_timestamp(std::int64_t ms_since_epoch);

// The POST body for queued events (each as structured_event_json made it, or a forwarded tp2
// event), each given `"stm":"<sent_at_ms>"` first.
std::string payload_data_body(const std::vector<std::string_view>& queued_events, std::int64_t sent_at_ms);

}  // namespace ie::snowplow
