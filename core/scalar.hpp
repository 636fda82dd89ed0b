#pragma once
// A property value as events and definitions carry it: null, boolean, integer, float or string.
// Integers and floats are kept apart (a `value` may be either) but compare as numbers, so a
// filter `value: 1` matches an event value 1.0; a string "1" never equals the number 1.
#include <cstdint>
#include <string>
#include <variant>

namespace ie {

using Scalar = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

bool is_number(const Scalar& value);
bool is_string(const Scalar& value);
double as_double(const Scalar& value);  // only for numbers

// Typed equality: same kind (numbers together), same value.
bool scalar_equal(const Scalar& a, const Scalar& b);

// The text form used in counter keys and as HLL members: strings as they are, integers in decimal,
// floats in their shortest round-trip form (2.5, 3 for 3.0), booleans true/false, null "null".
std::string scalar_text(const Scalar& value);

// "integer", "float", "string", ... for error messages.
const char* scalar_kind(const Scalar& value);

}  // namespace ie
