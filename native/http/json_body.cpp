#include "native/http/json_body.hpp"

#include <algorithm>
#include <cctype>

#include "native/http/responses.hpp"

namespace ie::http {

namespace {

// "application/json; charset=utf-8" → "application/json"
std::string media_type(const Request& request) {
  std::string type(request[bhttp::field::content_type]);
  type = type.substr(0, type.find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }), type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

// nlohmann's message starts with "[json.exception.parse_error.101] parse error at line 1, column 2: ";
// the byte position replaces that preamble.
std::string parse_problem(const nlohmann::json::parse_error& error) {
  const std::string what = error.what();
  const auto colon = what.find(": ");
  return "invalid JSON at byte " + std::to_string(error.byte) + ": " + (colon == std::string::npos ? what : what.substr(colon + 2));
}

}  // namespace

nlohmann::json parse_json_body(const Request& request) {
  const std::string type = media_type(request);
  if (!type.empty() && type != "application/json" && type != "text/plain") {
    throw HttpError(bhttp::status::unsupported_media_type, "bodies are application/json or text/plain, not " + type);
  }
  try {
    return nlohmann::json::parse(request.body());
  } catch (const nlohmann::json::parse_error& error) {
    throw HttpError(bhttp::status::bad_request, parse_problem(error));
  } catch (const nlohmann::json::out_of_range& error) {  // a number beyond double's range, 1e400
    const std::string what = error.what();
    throw HttpError(bhttp::status::bad_request, "invalid JSON: " + what.substr(what.find(']') + 2));
  }
}

}  // namespace ie::http
