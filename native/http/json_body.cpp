#include "native/http/json_body.hpp"

#include <cctype>
#include <string>
#include <string_view>

#include "native/http/responses.hpp"

namespace ie::http {

namespace {

// The media type of the Content-Type, as written: "application/json; charset=utf-8" → "application/json".
std::string_view written_media_type(const Request& request) {
  const auto field = request[bhttp::field::content_type];
  const std::string_view header(field.data(), field.size());
  return header.substr(0, header.find(';'));
}

// Whether `type`, without its whitespace and in any case, is `lowercase`. Compared in place:
// normalizing a copy of the header cost every request two allocations.
bool is_media_type(std::string_view type, std::string_view lowercase) {
  std::size_t matched = 0;
  for (const unsigned char c : type) {
    if (std::isspace(c)) continue;
    if (matched == lowercase.size() || std::tolower(c) != lowercase[matched]) return false;
    ++matched;
  }
  return matched == lowercase.size();
}

bool readable(std::string_view type) {
  return is_media_type(type, "") || is_media_type(type, "application/json") || is_media_type(type, "text/plain");
}

// The media type as the 415 answer names it: without whitespace, in lowercase.
std::string normalized(std::string_view type) {
  std::string result;
  for (const unsigned char c : type) {
    if (!std::isspace(c)) result += static_cast<char>(std::tolower(c));
  }
  return result;
}

}  // namespace

const JsonValue& parse_json_body(const Request& request, JsonReader& reader) {
  const std::string_view type = written_media_type(request);
  if (!readable(type)) {
    throw HttpError(bhttp::status::unsupported_media_type, "bodies are application/json or text/plain, not " + normalized(type));
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
