#pragma once
// Floating-point numbers to and from text, the one service the browser module's core borrows from
// its platform. Natively these are snprintf and strtod (core/number_text.cpp). In the wasm module
// they call JavaScript (wasm/number_text.cpp), whose Number and String do exactly this: linking
// libc's printf, strtod and their 128-bit long double arithmetic would add ≈8 KB gzipped, over a
// third of the module. Integers never come here (std::to_string is small).
#include <string>
#include <string_view>

namespace ie {

// The shortest text that reads back as the same double ("2.5", "0.1", "1e+21"); finite only.
std::string double_text(double value);

// The double nearest to `json_number`, which must already match JSON's number grammar.
double parse_double(std::string_view json_number);

}  // namespace ie
