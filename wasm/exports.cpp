// The wasm module's exports: plain C functions over core, fed plain values. The browser already
// parses JSON, so the glue hands over strings and numbers one field at a time and core never links
// a JSON parser (which would double the module's size).
//
// Strings cross the boundary as UTF-8 in wasm memory, as (pointer, length) pairs: the glue writes
// its arguments into the scratch buffer (ie_scratch) and reads answers from the pointer a function
// returns, whose length ie_answer_length gives. No allocation per call on the JavaScript side and
// no emscripten runtime helpers (ccall, UTF8ToString), so the module needs no emscripten loader.
#include <emscripten/emscripten.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch_policy.hpp"
#include "core/data_attributes.hpp"
#include "core/event_payload.hpp"
#include "core/event_validation.hpp"

namespace {

struct State {
  ie::Definitions definitions;
  ie::EventInput event;
  ie::DataAttributes attributes;
  ie::BatchPolicy policy;
  std::string answer;
  std::vector<char> scratch;
};

State& state() {
  static State instance;
  return instance;
}

std::string_view text(const char* data, std::size_t length) { return {data, length}; }

const char* answer(std::string value) {
  state().answer = std::move(value);
  return state().answer.c_str();
}

std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> parts;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto part = list.substr(0, comma);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return parts;
}

// Where a value set by the glue goes: an event's identifiers or properties, or the parsed
// data-event-additional object of an element.
enum Target { kIdentifiers = 0, kProperties = 1, kAdditional = 2 };

void set_field(int target, std::string_view key, ie::Scalar value) {
  auto& fields = target == kIdentifiers   ? state().event.identifiers
                 : target == kProperties ? state().event.properties
                                         : state().attributes.additional;
  fields[std::string(key)] = std::move(value);
}

// Without a definitions bundle the browser cannot know which events exist: it still checks the
// types GitLab's frontend checks (label, property, value, identifiers) and leaves names and
// custom properties to the receiver, which validates every event anyway.
ie::ValidationResult validate_pending() {
  const auto& input = state().event;
  if (!state().definitions.events.empty()) return ie::validate_event(state().definitions, input);
  ie::Definitions permissive;
  auto& definition = permissive.events[input.name];
  definition.action = input.name;
  for (const auto& [key, value] : input.properties) definition.additional_properties.push_back(key);
  return ie::validate_event(permissive, input);
}

std::string error_text(const ie::EventError& error) {
  return std::string(ie::event_error_kind_name(error.kind)) + '\t' + error.field + '\t' + error.message;
}

}  // namespace

extern "C" {

// A buffer of at least `bytes` for the glue's string arguments; valid until the next call.
EMSCRIPTEN_KEEPALIVE char* ie_scratch(std::size_t bytes) {
  if (state().scratch.size() < bytes) state().scratch.resize(bytes);
  return state().scratch.data();
}

EMSCRIPTEN_KEEPALIVE std::size_t ie_answer_length() { return state().answer.size(); }

EMSCRIPTEN_KEEPALIVE const char* ie_version() { return answer(INTERNAL_EVENTS_VERSION); }

// identifiers and properties: comma-separated names, as the bundle lists them.
EMSCRIPTEN_KEEPALIVE void ie_define_event(const char* name, std::size_t name_length, const char* identifiers,
                                          std::size_t identifiers_length, const char* properties,
                                          std::size_t properties_length) {
  const std::string action(text(name, name_length));
  state().definitions.events[action] = ie::EventDefinition{
      action, "", split_commas(text(identifiers, identifiers_length)), split_commas(text(properties, properties_length)), {}, "bundle"};
}

EMSCRIPTEN_KEEPALIVE void ie_event_begin(const char* name, std::size_t length) {
  state().event = ie::EventInput{std::string(text(name, length)), {}, {}};
}

EMSCRIPTEN_KEEPALIVE void ie_event_set_string(int target, const char* key, std::size_t key_length, const char* value,
                                              std::size_t value_length) {
  set_field(target, text(key, key_length), std::string(text(value, value_length)));
}

EMSCRIPTEN_KEEPALIVE void ie_event_set_bool(int target, const char* key, std::size_t key_length, int value) {
  set_field(target, text(key, key_length), value != 0);
}

// JavaScript has one number type: whole numbers become integers, as JSON parsers read them.
EMSCRIPTEN_KEEPALIVE void ie_event_set_number(int target, const char* key, std::size_t key_length, double value) {
  constexpr double kSafeInteger = 9007199254740991.0;
  if (std::trunc(value) == value && std::fabs(value) <= kSafeInteger) {
    set_field(target, text(key, key_length), static_cast<std::int64_t>(value));
  } else {
    set_field(target, text(key, key_length), value);
  }
}

// "" when the pending event is valid, else "kind\tfield\tmessage".
EMSCRIPTEN_KEEPALIVE const char* ie_event_validate() {
  const auto result = validate_pending();
  if (const auto* error = std::get_if<ie::EventError>(&result)) return answer(error_text(*error));
  return answer("");
}

// The pending event's JSON payload, with an eid made from the 16 random bytes at `random`; "-"
// when there is nothing to send (a blank name); else "kind\tfield\tmessage" (a payload always
// starts with '{').
EMSCRIPTEN_KEEPALIVE const char* ie_event_payload(const std::uint8_t* random, const char* category, std::size_t category_length) {
  if (ie::blank_event_name(state().event.name)) return answer("-");
  const auto result = validate_pending();
  if (const auto* error = std::get_if<ie::EventError>(&result)) return answer(error_text(*error));
  ie::UuidBytes bytes;
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = random[i];
  return answer(ie::event_payload_json(std::get<ie::Event>(result), ie::format_uuid_v4(bytes), text(category, category_length)));
}

// An element's data-event-* attributes: begin with data-event-tracking, set label (0), property
// (1) and value (2) when present and data-event-additional's values through ie_event_set_* with
// target 2, then finish.
EMSCRIPTEN_KEEPALIVE void ie_data_begin(const char* tracking, std::size_t length) {
  state().attributes = ie::DataAttributes{std::string(text(tracking, length)), {}, {}, {}, {}};
}

EMSCRIPTEN_KEEPALIVE void ie_data_set(int which, const char* value, std::size_t length) {
  auto& attributes = state().attributes;
  auto& field = which == 0 ? attributes.label : which == 1 ? attributes.property : attributes.value;
  field = std::string(text(value, length));
}

// "" when the element's event is now the pending event, "-" when there is nothing to send (an
// empty name), else "field\tmessage".
EMSCRIPTEN_KEEPALIVE const char* ie_data_finish() {
  auto result = ie::parse_data_attributes(state().attributes);
  if (auto* event = std::get_if<ie::EventInput>(&result)) {
    state().event = std::move(*event);
    return answer("");
  }
  if (const auto* error = std::get_if<ie::DataAttributeError>(&result)) return answer(error->field + '\t' + error->message);
  return answer("-");
}

// Zero keeps the default of a limit.
EMSCRIPTEN_KEEPALIVE void ie_policy_configure(std::uint32_t batch_events, std::uint32_t batch_bytes, std::uint32_t flush_interval_ms,
                                              std::uint32_t stored_events, std::uint32_t stored_bytes) {
  auto& policy = state().policy;
  if (batch_events) policy.batch.events = batch_events;
  if (batch_bytes) policy.batch.bytes = batch_bytes;
  if (flush_interval_ms) policy.flush_interval_ms = flush_interval_ms;
  if (stored_events) policy.stored.events = stored_events;
  if (stored_bytes) policy.stored.bytes = stored_bytes;
}

EMSCRIPTEN_KEEPALIVE std::uint32_t ie_flush_interval_ms() { return state().policy.flush_interval_ms; }

EMSCRIPTEN_KEEPALIVE int ie_batch_full(std::uint32_t queued_events) { return ie::batch_full(state().policy, queued_events); }

// `bytes` counts the whole body: ie_batch_overhead plus the events and their commas.
EMSCRIPTEN_KEEPALIVE int ie_batch_fits(std::uint32_t events, std::uint32_t bytes) { return ie::within(state().policy.batch, events, bytes); }

EMSCRIPTEN_KEEPALIVE int ie_stored_fits(std::uint32_t events, std::uint32_t bytes) { return ie::within(state().policy.stored, events, bytes); }

EMSCRIPTEN_KEEPALIVE std::uint32_t ie_batch_overhead(const char* identity, std::size_t length) {
  return static_cast<std::uint32_t>(ie::batch_body_overhead(text(identity, length)));
}

EMSCRIPTEN_KEEPALIVE const char* ie_batch_body(const char* events, std::size_t events_length, const char* identity,
                                               std::size_t identity_length) {
  return answer(ie::batch_body_json(text(events, events_length), text(identity, identity_length)));
}

// 0 delivered, 1 retry, 2 give up (ie::Delivery's order).
EMSCRIPTEN_KEEPALIVE int ie_delivery(int status) { return static_cast<int>(ie::decide_delivery(status)); }

EMSCRIPTEN_KEEPALIVE std::uint32_t ie_retry_delay_ms(std::uint32_t attempt, double random) {
  return ie::retry_delay_ms(state().policy, attempt, random);
}

}
