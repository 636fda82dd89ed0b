// POST /com.snowplowanalytics.snowplow/tp2 as native/http/snowplow_handler.cpp reads it: the body
// parsed (parse_payload_body, nlohmann underneath), its payload_data events, each read into a
// ReceivedEvent and, as when a collector is configured, turned into the copy that is forwarded.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "core/snowplow/payload.hpp"
#include "core/snowplow/received_event.hpp"

using nlohmann::json;
namespace snowplow = ie::snowplow;

namespace {

// Deeper than 64 must be refused: copies and dumps of a document recurse once per level, and a body
// of 200000 '[' (inputs this long are beyond -max_len) overflowed the receiver's stack.
int depth_of(const json& value) {
  int deepest = 0;
  if (value.is_structured()) {
    for (const json& item : value) deepest = std::max(deepest, depth_of(item));
    ++deepest;
  }
  return deepest;
}

const snowplow::Pseudonyms& pseudonyms() {
  static const snowplow::Pseudonyms made{[](std::int64_t id) { return "u" + std::to_string(id); },
                                         [](std::int64_t id) { return "g" + std::to_string(id); }};
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = snowplow::parse_payload_body(std::string_view(reinterpret_cast<const char*>(data), size));
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    if (!problem->starts_with("malformed JSON")) std::abort();
    return 0;
  }
  if (depth_of(std::get<json>(parsed)) > 64) std::abort();
  auto events = snowplow::payload_data_events(std::get<json>(parsed));
  if (std::holds_alternative<std::string>(events)) return 0;
  for (const json& item : std::get<std::vector<json>>(events)) {
    auto read = snowplow::read_received_event(item);
    if (auto* problem = std::get_if<std::string>(&read)) {
      if (problem->empty()) std::abort();
      continue;
    }
    const std::string forwarded = snowplow::forwarded_event_json(std::get<snowplow::ReceivedEvent>(read), pseudonyms());
    if (!json::accept(forwarded)) std::abort();  // the collector gets JSON
    // The contexts were read (cx first, else co), so they nest no deeper than 64 either.
    if (item.contains("cx")) {
      const auto decoded = snowplow::decode_base64(item["cx"].get<std::string>());
      if (decoded && depth_of(json::parse(*decoded, nullptr, false)) > 64) std::abort();
    } else if (item.contains("co") && depth_of(json::parse(item["co"].get<std::string>(), nullptr, false)) > 64) {
      std::abort();
    }
  }
  return 0;
}
