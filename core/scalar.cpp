#include "core/scalar.hpp"

#include "core/number_text.hpp"

namespace ie {

bool is_number(const Scalar& value) {
  return std::holds_alternative<std::int64_t>(value) || std::holds_alternative<double>(value);
}

bool is_string(const Scalar& value) { return std::holds_alternative<std::string>(value); }

double as_double(const Scalar& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
  return std::get<double>(value);
}

bool scalar_equal(const Scalar& a, const Scalar& b) {
  if (is_number(a) && is_number(b)) {
    if (std::holds_alternative<std::int64_t>(a) && std::holds_alternative<std::int64_t>(b)) {
      return std::get<std::int64_t>(a) == std::get<std::int64_t>(b);
    }
    return as_double(a) == as_double(b);
  }
  return a == b;
}

std::string scalar_text(const Scalar& value) {
  struct Visitor {
    std::string operator()(std::nullptr_t) const { return "null"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return double_text(d); }
    std::string operator()(const std::string& s) const { return s; }
  };
  return std::visit(Visitor{}, value);
}

const char* scalar_kind(const Scalar& value) {
  static constexpr const char* kinds[] = {"null", "boolean", "integer", "float", "string"};
  return kinds[value.index()];
}

}  // namespace ie
