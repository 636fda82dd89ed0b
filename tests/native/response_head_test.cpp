#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "native/http/response_head.hpp"

using namespace ie::http;

namespace {

// What Beast's own serializer writes for the response.
std::string beast_bytes(const Response& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

Response prepared(bhttp::status status, unsigned version, bool keep_alive, std::string body) {
  Response response{status, version};
  response.set(bhttp::field::content_type, "application/json");
  response.set(bhttp::field::vary, "Origin");
  response.body() = std::move(body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace

// The session writes the head from write_head and the body as it is: together they must be the
// bytes Beast would have sent.
TEST_CASE("a response's head and body are the bytes Beast's serializer writes") {
  for (const unsigned version : {10u, 11u}) {
    for (const bool keep_alive : {true, false}) {
      for (const auto status : {bhttp::status::ok, bhttp::status::no_content, bhttp::status::payload_too_large,
                                bhttp::status::service_unavailable}) {
        CAPTURE(version);
        CAPTURE(keep_alive);
        CAPTURE(static_cast<unsigned>(status));
        const Response response = prepared(status, version, keep_alive, status == bhttp::status::no_content ? "" : R"({"status":"ok"})");
        std::string head;
        write_head(response, head);
        CHECK(head + response.body() == beast_bytes(response));
      }
    }
  }
}

TEST_CASE("a HEAD answer keeps the GET's Content-Length without a body, and a custom reason is kept") {
  Response response = prepared(bhttp::status::ok, 11, true, std::string(100000, 'x'));
  response.body().clear();
  response.reason("Fine");
  std::string head = "left over from the last answer";
  write_head(response, head);
  CHECK(head == beast_bytes(response));
  CHECK(head.starts_with("HTTP/1.1 200 Fine\r\n"));
  CHECK(head.find("Content-Length: 100000\r\n") != std::string::npos);
}
