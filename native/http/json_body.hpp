#pragma once
// Request bodies are JSON sent as application/json, or as text/plain so that browsers can post
// without a CORS preflight. Both are parsed the same way.
#include "native/http/json_reader.hpp"
#include "native/http/message.hpp"

namespace ie::http {

// The body's root value, read by `reader` (valid until its next read; strings view into the body).
// Throws HttpError: 415 for another content type, 400 "invalid JSON at byte N: …" when malformed.
const JsonValue& parse_json_body(const Request& request, JsonReader& reader);

}  // namespace ie::http
