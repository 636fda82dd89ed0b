#include "core/json_writer.hpp"

#include <cmath>

#include "core/number_text.hpp"

namespace ie {

// Runs of characters that need no escape are appended whole: one append per character was a
// quarter of the receiver's time once it wrote a Snowplow payload (≈1 KB of JSON) per event.
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto plain = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\'; };
  out += '"';
  std::size_t run = 0;  // where the current run of plain characters starts
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (plain(c)) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 0xf];
    }
  }
  out.append(text.data() + run, text.size() - run);
  out += '"';
}

// Written per alternative rather than through scalar_text, whose float branch links printf.
void append_json_scalar(std::string& out, const Scalar& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    append_json_string(out, *text);
  } else if (const auto* number = std::get_if<double>(&value)) {
    out += std::isfinite(*number) ? double_text(*number) : "null";
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*integer);
  } else if (const auto* flag = std::get_if<bool>(&value)) {
    out += *flag ? "true" : "false";
  } else {
    out += "null";
  }
}

}  // namespace ie
