#include "core/data_attributes.hpp"

#include <cmath>

#include "core/number_text.hpp"

namespace ie {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

}  // namespace

bool blank_event_name(std::string_view name) { return trim(name).empty(); }

std::optional<Scalar> parse_attribute_number(std::string_view text) {
  text = trim(text);
  if (!is_json_number(text)) return std::nullopt;
  const double number = parse_double(text);
  if (!std::isfinite(number)) return std::nullopt;
  constexpr double kSafeInteger = 9007199254740991.0;
  if (std::trunc(number) == number && std::fabs(number) <= kSafeInteger) return Scalar{static_cast<std::int64_t>(number)};
  return Scalar{number};
}

DataAttributeResult parse_data_attributes(const DataAttributes& attributes) {
  if (blank_event_name(attributes.tracking)) return NothingToSend{};
  EventInput event{attributes.tracking, {}, attributes.additional};
  if (attributes.label) event.properties["label"] = *attributes.label;
  if (attributes.property) event.properties["property"] = *attributes.property;
  if (attributes.value) {
    auto number = parse_attribute_number(*attributes.value);
    if (!number) {
      return DataAttributeError{"data-event-value", "data-event-value must be a number, not \"" + *attributes.value + "\""};
    }
    event.properties["value"] = *number;
  }
  return event;
}

}  // namespace ie
