#pragma once
// The receiver's request and response types, and what a session knows about a request beyond its
// bytes: who sent it and whether the body was cut off at the size limit.
#include <boost/beast/http.hpp>
#include <string>

namespace ie::http {

namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

struct Incoming {
  Request message;
  std::string client_address;
  bool body_too_large = false;  // the parser stopped at the body limit: only the header is known
};

}  // namespace ie::http
