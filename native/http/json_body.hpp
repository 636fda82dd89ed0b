#pragma once
// Request bodies are JSON sent as application/json, or as text/plain so that browsers can post
// without a CORS preflight. Both are parsed the same way.
#include <nlohmann/json.hpp>

#include "native/http/message.hpp"

namespace ie::http {

// Throws HttpError: 415 for another content type, 400 "invalid JSON at byte N: …" when malformed.
nlohmann::json parse_json_body(const Request& request);

}  // namespace ie::http
