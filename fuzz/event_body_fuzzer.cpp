// The bodies of POST track_event and track_events as the receiver reads them: the JSON reader,
// then each event object into a TrackRequest (native/http/event_body.cpp) under each identity
// rule, then core's validation against definitions with identifiers and a custom property.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "core/definitions_json.hpp"
#include "core/event_validation.hpp"
#include "native/http/event_body.hpp"

using namespace ie;
using namespace ie::http;

namespace {

const Definitions& definitions() {
  static const Definitions built = [] {
    DefinitionsBuilder builder;
    builder.add_event(nlohmann::json::parse(R"({"action": "e", "identifiers": ["project", "namespace", "user"],
        "additional_properties": {"label": {"description": "l"}, "value": {"description": "v"}, "source": {"description": "s"}}})"),
                      "events/e.yml");
    builder.add_event(nlohmann::json::parse(R"({"action": "plain"})"), "events/plain.yml");
    if (!builder.finish().empty()) std::abort();
    return builder.take();
  }();
  return built;
}

const IdentityRule& rule(std::size_t which) {
  static const IdentityRule rules[] = {
      IdentityRule{},                                     // identifiers of the body believed
      IdentityRule{false, std::nullopt},                  // a secret, no token
      IdentityRule{false, IdentityClaims{7, 8, std::nullopt, 0}},  // a verified token
  };
  return rules[which % 3];
}

void track(const JsonValue& event, std::size_t which) {
  auto parsed = track_request_from(event, rule(which));
  if (auto* problem = std::get_if<EventProblem>(&parsed)) {
    if (problem->message.empty()) std::abort();  // every refusal says why
    return;
  }
  auto& request = std::get<TrackRequest>(parsed);
  const auto validated = validate_event(definitions(), std::move(request.input));
  if (const auto* error = std::get_if<EventError>(&validated); error && error->message.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static JsonReader reader;
  const JsonValue* root = nullptr;
  try {
    root = &reader.read(text);
  } catch (const std::exception&) {
    return 0;  // the JSON reader's own fuzzer looks at these
  }
  if (!root->is_object()) return 0;
  for (std::size_t which = 0; which < 3; ++which) {
    track(*root, which);  // track_event
    if (const JsonValue* events = root->find("events"); events && events->is_array()) {
      for (const JsonValue& event : events->items()) track(event, which);  // track_events
    }
  }
  return 0;
}
