#include "core/number_text.hpp"

#include <cstdlib>

#include "core/scalar.hpp"

namespace ie {

std::string double_text(double value) { return scalar_text(Scalar{value}); }

double parse_double(std::string_view json_number) { return std::strtod(std::string(json_number).c_str(), nullptr); }

}  // namespace ie
