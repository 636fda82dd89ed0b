#include "native/http/cors.hpp"

namespace ie::http {

Cors::Cors(const std::vector<std::string>& allowed_origins) : allowed_(allowed_origins.begin(), allowed_origins.end()) {}

bool Cors::allows(const std::string& origin) const {
  return !origin.empty() && (allowed_.count("*") || allowed_.count(origin));
}

void Cors::decorate(const Request& request, Response& response) const {
  // Caches must not hand one origin's answer to another.
  response.set(bhttp::field::vary, "Origin");
  const std::string origin(request[bhttp::field::origin]);
  if (!allows(origin)) return;
  response.set(bhttp::field::access_control_allow_origin, origin);
  // Snowplow's browser tracker sends with credentials, and the browser drops the answer without this.
  response.set(bhttp::field::access_control_allow_credentials, "true");
}

Response Cors::preflight(const Request& request) const {
  Response response{bhttp::status::no_content, request.version()};
  response.keep_alive(request.keep_alive());
  if (allows(std::string(request[bhttp::field::origin]))) {
    response.set(bhttp::field::access_control_allow_methods, "GET, POST, OPTIONS");
    response.set(bhttp::field::access_control_allow_headers, "Content-Type, Authorization");
    response.set(bhttp::field::access_control_max_age, "86400");
  }
  response.prepare_payload();
  return response;
}

}  // namespace ie::http
