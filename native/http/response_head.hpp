#pragma once
// The bytes of a response's head, as Beast's serializer writes them, without Beast's serializer:
// its buffer sequences (buffers_cat_view and the variant behind it) cost about 12% of the CPU of a
// one-event request, more than the bytes they describe. The session writes the head from here and
// the body from the response itself.
#include <string>

#include "native/http/message.hpp"

namespace ie::http {

// Replaces `out` with the status line, the fields in the order Beast keeps them, and the empty
// line. `response` must be prepared (prepare_payload, keep_alive): like Beast's serializer for a
// prepared message, this adds no field, and the body follows as it is (never chunked: a string
// body is prepared with a Content-Length).
void write_head(const Response& response, std::string& out);

}  // namespace ie::http
