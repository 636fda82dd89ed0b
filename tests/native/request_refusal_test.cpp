#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "native/http/request_refusal.hpp"

using namespace ie::http;

namespace {

// What Beast's request parser makes of `text`: its error, or success with the head it read.
struct Parsed {
  boost::beast::error_code error;
  std::optional<Refusal> head_refusal;
};

Parsed parse(std::string_view text) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code error;
  parser.put(boost::asio::buffer(text.data(), text.size()), error);
  Parsed parsed{error, std::nullopt};
  if (!error && parser.is_header_done()) parsed.head_refusal = refusal_for_head(parser.get(), parser.chunked());
  return parsed;
}

bhttp::status status_of(std::string_view text) { return refusal_for(parse(text).error).status; }

}  // namespace

TEST_CASE("parse errors are answered with the status nginx gives them and a one-line message") {
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n") == bhttp::status::bad_request);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") == bhttp::status::bad_request);
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") == bhttp::status::bad_request);
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n") == bhttp::status::bad_request);
  CHECK(status_of("G(T / HTTP/1.1\r\n\r\n") == bhttp::status::bad_request);
  CHECK(status_of("GET / HTTP/9\r\n\r\n") == bhttp::status::bad_request);
  CHECK(status_of("GET / HTTP/1.1\r\nX: " + std::string(70 * 1024, 'a') + "\r\n\r\n") == bhttp::status::request_header_fields_too_large);

  const Refusal lengths = refusal_for(bhttp::error::bad_content_length);
  CHECK(lengths.message.find("Content-Length") != std::string::npos);
  CHECK(lengths.message.find('\n') == std::string::npos);
  CHECK(refusal_for(bhttp::error::bad_chunk).message == "bad chunk in a chunked body");
  CHECK(refusal_for(bhttp::error::header_limit).message == "the request header is too large");
  // An error nobody expected still gets an answer that names it.
  CHECK(refusal_for(bhttp::error::stale_parser).status == bhttp::status::bad_request);
}

TEST_CASE("a head Beast parses may still be refused: too many fields, or a coding other than chunked") {
  std::string many = "GET / HTTP/1.1\r\n";
  for (std::size_t i = 0; i <= kMaxHeaderFields; ++i) many += "a:b\r\n";
  const Parsed crowded = parse(many + "\r\n");
  REQUIRE(!crowded.error);
  REQUIRE(crowded.head_refusal);
  CHECK(crowded.head_refusal->status == bhttp::status::request_header_fields_too_large);
  CHECK(crowded.head_refusal->message == "too many header fields (the limit is 200)");

  const Parsed gzip = parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
  REQUIRE(gzip.head_refusal);
  CHECK(gzip.head_refusal->status == bhttp::status::not_implemented);

  // Beast itself refuses any version but 1.0 and 1.1.
  CHECK(refusal_for(parse("GET / HTTP/1.2\r\n\r\n").error).message == "bad HTTP version: HTTP/1.1 and HTTP/1.0 are served");
  CHECK(!parse("GET / HTTP/1.0\r\n\r\n").head_refusal);
  CHECK(!parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").head_refusal);
  CHECK(!parse("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=b\r\n\r\n").head_refusal);
}
