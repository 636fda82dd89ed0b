// The bytes of a request as a session receives them (native/http/session.cpp): Beast's request
// parser with the receiver's body limit (1 MiB, --max-body-bytes' default) and header limit
// (64 KiB), fed in the pieces the input's first byte chooses, as reads may split them; then what
// every route does first with a parsed request: the target split and decoded, and the JSON body
// read with its content type checked (native/http/json_body.cpp).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "native/http/json_body.hpp"
#include "native/http/responses.hpp"
#include "native/http/target.hpp"

namespace bhttp = boost::beast::http;
using namespace ie::http;

namespace {

constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

void route(const Request& request) {
  try {
    parse_target(std::string_view(request.target().data(), request.target().size()));
  } catch (const HttpError& error) {
    if (error.status != bhttp::status::bad_request) std::abort();
  }
  static JsonReader reader;
  try {
    parse_json_body(request, reader);
  } catch (const HttpError& error) {
    if (error.status != bhttp::status::bad_request && error.status != bhttp::status::unsupported_media_type) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64;  // bytes per read; 64 and more: all at once
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::optional<bhttp::request_parser<bhttp::string_body>> parser;
  parser.emplace();
  parser->body_limit(kMaxBodyBytes);
  parser->header_limit(kHeaderLimit);
  boost::beast::flat_buffer buffer;
  while (!rest.empty() || buffer.size() > 0) {
    const std::size_t take = piece == 64 ? rest.size() : std::min(piece, rest.size());
    const auto space = buffer.prepare(take);
    std::memcpy(space.data(), rest.data(), take);
    buffer.commit(take);
    rest.remove_prefix(take);
    boost::beast::error_code error;
    buffer.consume(parser->put(buffer.data(), error));
    if (error == bhttp::error::need_more) {
      if (rest.empty()) return 0;  // the client has not sent all of it
      continue;
    }
    if (error == bhttp::error::body_limit) return 0;  // 413, then the connection closes
    if (error) return 0;                              // the connection closes
    if (parser->is_done()) {
      route(parser->get());
      parser.emplace();  // a pipelined request may follow
      parser->body_limit(kMaxBodyBytes);
      parser->header_limit(kHeaderLimit);
    }
  }
  return 0;
}
