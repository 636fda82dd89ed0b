#include "native/http/responses.hpp"

namespace ie::http {

std::string json_text(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response text_response(const Request& request, bhttp::status status, std::string body, std::string_view content_type) {
  Response response{status, request.version()};
  response.set(bhttp::field::content_type, boost::beast::string_view(content_type.data(), content_type.size()));
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response json_response(const Request& request, bhttp::status status, const nlohmann::json& body) {
  return text_response(request, status, json_text(body), "application/json");
}

Response error_response(const Request& request, bhttp::status status, const std::string& message) {
  return json_response(request, status, {{"error", message}});
}

}  // namespace ie::http
