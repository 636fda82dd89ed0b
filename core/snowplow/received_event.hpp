#pragma once
// Events that Snowplow trackers send to the receiver as to a collector (POST tp2 with a
// payload_data body, or GET /i with one event in the query), read into what the receiver does
// with them: a structured event whose action names an internal event is counted like one; every
// event, counted or not, is forwarded to the collector, pseudonymised.
//
// A tracker's fields are forwarded as they came but for three: `stm` goes (the emitter sets it
// when it really sends), and a raw integer `uid`, or `user_id` / `global_user_id` of a
// gitlab_standard context (in `cx` or `co`), is replaced by its pseudonym.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event.hpp"

namespace ie::snowplow {

struct ReceivedEvent {
  nlohmann::json fields;  // the event as it came: an object of strings
  std::string eid;        // "" when the tracker sent none
  // e=se: the internal event it may be (name from se_ac; label, property, value from se_la,
  // se_pr, se_va) and its category. Identifiers are not set here: see claimed_* below.
  std::optional<EventInput> structured;
  std::string category;
  // What its gitlab_standard context says; believed only where identifiers are trusted.
  std::optional<std::int64_t> claimed_user, claimed_project, claimed_namespace;
};

// A POST tp2 body parsed, or what is wrong with it: "malformed JSON at byte N: …", also for a NUL
// byte (which nlohmann would take for the end of the input), for nesting deeper than 64 (as the JSON
// routes refuse it) and for a number beyond double's range (nlohmann's out_of_range).
std::variant<nlohmann::json, std::string> parse_payload_body(std::string_view body);

// The events of a payload_data body ({"schema": "iglu:…/payload_data/jsonschema/1-0-x", "data":
// [ … ]}), or what is wrong with it.
std::variant<std::vector<nlohmann::json>, std::string> payload_data_events(const nlohmann::json& body);

// One event (an object whose values are strings), or what is wrong with it, naming the field.
std::variant<ReceivedEvent, std::string> read_received_event(const nlohmann::json& fields);

// The same from query parameters (GET /i).
std::variant<ReceivedEvent, std::string> read_received_event(const std::map<std::string, std::string>& query);

struct Pseudonyms {
  std::function<std::string(std::int64_t)> user_id;
  std::function<std::string(std::int64_t)> global_user_id;
};

// The event as it is forwarded: JSON text of its fields, without stm, user ids pseudonymised.
std::string forwarded_event_json(const ReceivedEvent& event, const Pseudonyms& pseudonyms);

}  // namespace ie::snowplow
