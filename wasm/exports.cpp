// The wasm module's exports: plain C functions over core, fed plain values. The browser already
// parses JSON, so the glue hands over strings and numbers one field at a time and core never links
// a JSON parser (which would double the module's size).
#include <emscripten/emscripten.h>

#include <cmath>
#include <sstream>
#include <string>

#include "core/event_validation.hpp"

namespace {

ie::Definitions& definitions() {
  static ie::Definitions instance;
  return instance;
}

ie::EventInput& pending_event() {
  static ie::EventInput instance;
  return instance;
}

std::vector<std::string> split_commas(const char* text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

enum Target { kIdentifiers = 0, kProperties = 1 };

void set_field(int target, const char* key, ie::Scalar value) {
  auto& fields = target == kIdentifiers ? pending_event().identifiers : pending_event().properties;
  fields[key] = std::move(value);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* ie_version() { return INTERNAL_EVENTS_VERSION; }

EMSCRIPTEN_KEEPALIVE void ie_define_event(const char* name, const char* identifiers, const char* properties) {
  definitions().events[name] = ie::EventDefinition{name, "", split_commas(identifiers), split_commas(properties), {}, "bundle"};
}

EMSCRIPTEN_KEEPALIVE void ie_event_begin(const char* name) { pending_event() = ie::EventInput{name, {}, {}}; }

EMSCRIPTEN_KEEPALIVE void ie_event_set_string(int target, const char* key, const char* value) { set_field(target, key, std::string(value)); }

EMSCRIPTEN_KEEPALIVE void ie_event_set_bool(int target, const char* key, int value) { set_field(target, key, value != 0); }

// JavaScript has one number type: whole numbers become integers, as JSON parsers read them.
EMSCRIPTEN_KEEPALIVE void ie_event_set_number(int target, const char* key, double value) {
  constexpr double kSafeInteger = 9007199254740991.0;
  if (std::trunc(value) == value && std::fabs(value) <= kSafeInteger) {
    set_field(target, key, static_cast<std::int64_t>(value));
  } else {
    set_field(target, key, value);
  }
}

// "" when the pending event is valid, else "kind\tfield\tmessage".
EMSCRIPTEN_KEEPALIVE const char* ie_event_validate() {
  static std::string answer;
  const auto result = ie::validate_event(definitions(), pending_event());
  if (const auto* error = std::get_if<ie::EventError>(&result)) {
    answer = std::string(ie::event_error_kind_name(error->kind)) + '\t' + error->field + '\t' + error->message;
  } else {
    answer.clear();
  }
  return answer.c_str();
}

}
