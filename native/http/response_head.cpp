#include "native/http/response_head.hpp"

namespace ie::http {

namespace {

void append(std::string& out, boost::beast::string_view text) { out.append(text.data(), text.size()); }

}  // namespace

void write_head(const Response& response, std::string& out) {
  const unsigned version = response.version();  // 11 is HTTP/1.1
  out.assign("HTTP/");
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  out += std::to_string(response.result_int());
  out += ' ';
  append(out, response.reason());  // the one set, else the status's usual one
  out += "\r\n";
  for (const auto& field : response) {
    append(out, field.name_string());
    out += ": ";
    append(out, field.value());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace ie::http
