// POST /com.snowplowanalytics.snowplow/tp2 as native/http/snowplow_handler.cpp reads it: the body
// parsed by nlohmann, its payload_data events, each read into a ReceivedEvent and, as when a
// collector is configured, turned into the pseudonymised copy that is forwarded.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "core/snowplow/received_event.hpp"

using nlohmann::json;
namespace snowplow = ie::snowplow;

namespace {

const snowplow::Pseudonyms& pseudonyms() {
  static const snowplow::Pseudonyms made{[](std::int64_t id) { return "u" + std::to_string(id); },
                                         [](std::int64_t id) { return "g" + std::to_string(id); }};
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  json body;
  try {
    body = json::parse(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size);
  } catch (const json::parse_error& error) {
    if (error.byte < 1 || error.byte > size + 1) std::abort();  // the answer names the byte
    return 0;
  }
  auto events = snowplow::payload_data_events(body);
  if (std::holds_alternative<std::string>(events)) return 0;
  for (const json& item : std::get<std::vector<json>>(events)) {
    auto read = snowplow::read_received_event(item);
    if (auto* problem = std::get_if<std::string>(&read)) {
      if (problem->empty()) std::abort();
      continue;
    }
    const std::string forwarded = snowplow::forwarded_event_json(std::get<snowplow::ReceivedEvent>(read), pseudonyms());
    if (!json::accept(forwarded)) std::abort();  // the collector gets JSON
  }
  return 0;
}
