// GET /i as the receiver reads it: the request target split and percent-decoded
// (native/http/target.cpp), its query read as one Snowplow event and turned into the copy that is
// forwarded.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "core/snowplow/received_event.hpp"
#include "native/http/responses.hpp"
#include "native/http/target.hpp"

namespace snowplow = ie::snowplow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string target = "/i?" + std::string(reinterpret_cast<const char*>(data), size);
  ie::http::Target parsed;
  try {
    parsed = ie::http::parse_target(target);
  } catch (const ie::http::HttpError&) {
    return 0;  // 400 bad percent-encoding
  }
  if (parsed.path != "/i") std::abort();
  auto read = snowplow::read_received_event(parsed.query);
  if (auto* problem = std::get_if<std::string>(&read)) {
    if (problem->empty()) std::abort();
    return 0;
  }
  const snowplow::Pseudonyms pseudonyms{[](std::int64_t id) { return "u" + std::to_string(id); },
                                        [](std::int64_t id) { return "g" + std::to_string(id); }};
  const std::string forwarded = snowplow::forwarded_event_json(std::get<snowplow::ReceivedEvent>(read), pseudonyms);
  if (!nlohmann::json::accept(forwarded)) std::abort();
  return 0;
}
