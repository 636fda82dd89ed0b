#include "native/http/json_body.hpp"

#include <algorithm>
#include <cctype>

#include "native/http/responses.hpp"

namespace ie::http {

namespace {

// Whether the Content-Type is one we read, as written: "application/json; charset=utf-8" is. Every
// request asks, and normalizing the header (below) cost two allocations each time.
bool plainly_readable(const Request& request) {
  const boost::beast::string_view header = request[bhttp::field::content_type];
  boost::beast::string_view type = header.substr(0, header.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return type.empty() || boost::beast::iequals(type, "application/json") || boost::beast::iequals(type, "text/plain");
}

// "application/json; charset=utf-8" → "application/json"
std::string media_type(const Request& request) {
  std::string type(request[bhttp::field::content_type]);
  type = type.substr(0, type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

}  // namespace

const JsonValue& parse_json_body(const Request& request, JsonReader& reader) {
  if (!plainly_readable(request)) {
    const std::string type = media_type(request);
    if (!type.empty() && type != "application/json" && type != "text/plain") {
      throw HttpError(bhttp::status::unsupported_media_type, "bodies are application/json or text/plain, not " + type);
    }
  }
  try {
    return reader.read(request.body());
  } catch (const JsonError& error) {
    throw HttpError(bhttp::status::bad_request, "invalid JSON at byte " + std::to_string(error.byte()) + ": " + error.what());
  } catch (const JsonNumberOverflow& error) {
    throw HttpError(bhttp::status::bad_request, std::string("invalid JSON: ") + error.what());
  }
}

}  // namespace ie::http
