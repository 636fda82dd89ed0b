#include "native/http/request_refusal.hpp"

#include <iterator>

namespace ie::http {

Refusal refusal_for(boost::beast::error_code code) {
  using error = bhttp::error;
  using status = bhttp::status;
  if (code == error::header_limit) return {status::request_header_fields_too_large, "the request header is too large"};
  if (code == error::bad_content_length) return {status::bad_request, "bad Content-Length (invalid, repeated with another value, or beside Transfer-Encoding)"};
  if (code == error::bad_transfer_encoding) return {status::bad_request, "bad Transfer-Encoding (repeated, or beside Content-Length)"};
  if (code == error::bad_chunk || code == error::bad_chunk_extension) return {status::bad_request, "bad chunk in a chunked body"};
  if (code == error::bad_method) return {status::bad_request, "bad request method"};
  if (code == error::bad_target) return {status::bad_request, "bad request target"};
  if (code == error::bad_version) return {status::bad_request, "bad HTTP version: HTTP/1.1 and HTTP/1.0 are served"};
  if (code == error::bad_field || code == error::bad_value || code == error::bad_obs_fold) {
    return {status::bad_request, "bad header field"};
  }
  if (code == error::bad_line_ending) return {status::bad_request, "bad line ending in the request head"};
  if (code == error::bad_alloc) return {status::request_header_fields_too_large, "the request header is too large"};
  return {status::bad_request, "malformed request: " + code.message()};
}

std::optional<Refusal> refusal_for_head(const Request& head, bool chunked) {
  if (static_cast<std::size_t>(std::distance(head.begin(), head.end())) > kMaxHeaderFields) {
    return Refusal{bhttp::status::request_header_fields_too_large,
                   "too many header fields (the limit is " + std::to_string(kMaxHeaderFields) + ")"};
  }
  // Beast reads a body after any other Transfer-Encoding as empty: its bytes would be taken for
  // the next request.
  if (!chunked && head.find(bhttp::field::transfer_encoding) != head.end()) {
    return Refusal{bhttp::status::not_implemented, "Transfer-Encoding other than chunked is not supported"};
  }
  return std::nullopt;
}

}  // namespace ie::http
