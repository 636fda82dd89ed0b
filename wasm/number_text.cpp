// core/number_text.hpp for the wasm module: JavaScript's String(number) is the shortest text that
// reads back as the same double, and Number(text) parses JSON's number grammar exactly, so the
// module borrows them (imported from the glue, js/src/wasm_core.js) instead of linking libc's
// printf and strtod.
#include "core/number_text.hpp"

#include <cstddef>

extern "C" {
__attribute__((import_module("env"), import_name("ie_double_text"))) std::size_t ie_js_double_text(double value, char* out);
__attribute__((import_module("env"), import_name("ie_parse_double"))) double ie_js_parse_double(const char* text, std::size_t length);
}

namespace ie {

std::string double_text(double value) {
  char buffer[32];  // the longest String(number) is 24 characters ("-2.2250738585072014e-308")
  return std::string(buffer, ie_js_double_text(value, buffer));
}

double parse_double(std::string_view json_number) { return ie_js_parse_double(json_number.data(), json_number.size()); }

}  // namespace ie
