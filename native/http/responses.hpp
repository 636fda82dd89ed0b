#pragma once
// Building answers. Every error body is {"error": "…"}; helpers deeper down throw HttpError and
// the routes turn it into that answer, so a handler reads as its happy path.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "native/http/message.hpp"

namespace ie::http {

struct HttpError : std::runtime_error {
  HttpError(bhttp::status status, const std::string& message) : std::runtime_error(message), status(status) {}
  bhttp::status status;
};

// Request text (event names, properties) may hold invalid UTF-8; it is replaced, never thrown on.
std::string json_text(const nlohmann::json& value);

Response json_response(const Request& request, bhttp::status status, const nlohmann::json& body);
Response error_response(const Request& request, bhttp::status status, const std::string& message);
Response text_response(const Request& request, bhttp::status status, std::string body, std::string_view content_type);

}  // namespace ie::http
