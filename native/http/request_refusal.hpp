#pragma once
// Requests the receiver refuses before any route sees them: a head Beast cannot parse (a header
// too large, a bad Content-Length or chunk), or one it parses but will not serve (too many fields,
// a transfer coding other than chunked). Each is answered as nginx does, with a status and a
// one-line {"error": "…"}, and the connection then closes: what follows in its bytes cannot be
// trusted to start the next request.
#include <boost/beast/core/error.hpp>
#include <optional>
#include <string>

#include "native/http/message.hpp"

namespace ie::http {

// More header fields than this is 431, whatever their size: browsers send a few dozen.
constexpr std::size_t kMaxHeaderFields = 200;

struct Refusal {
  bhttp::status status;
  std::string message;
};

// The answer to a parse error other than need_more and body_limit (413, which the routes answer).
Refusal refusal_for(boost::beast::error_code error);

// A parsed head that is refused anyway; std::nullopt when it may be served.
std::optional<Refusal> refusal_for_head(const Request& head, bool chunked);

}  // namespace ie::http
