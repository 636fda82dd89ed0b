#include "core/number_text.hpp"

#include <cstdio>
#include <cstdlib>

namespace ie {

// Floating to_chars is missing in emscripten's libc++, so the shortest precision is searched.
std::string double_text(double value) {
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

double parse_double(std::string_view json_number) { return std::strtod(std::string(json_number).c_str(), nullptr); }

}  // namespace ie
