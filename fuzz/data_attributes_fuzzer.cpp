// An element's data-event-* attributes (core/data_attributes.cpp), as the browser module hands them
// to the wasm core. The input is the attributes' texts separated by NUL bytes: tracking, label,
// property, value (each present only when the input has that many parts). A number read from
// data-event-value reads back the same from its own text, and integers stay within JavaScript's
// safe range.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/data_attributes.hpp"

using namespace ie;

namespace {

std::vector<std::string> parts_of(std::string_view text) {
  std::vector<std::string> parts;
  while (true) {
    const auto nul = text.find('\0');
    parts.emplace_back(text.substr(0, nul));
    if (nul == std::string_view::npos) return parts;
    text.remove_prefix(nul + 1);
  }
}

void check_number(std::string_view text) {
  const auto number = parse_attribute_number(text);
  if (!number) return;
  if (const auto* integer = std::get_if<std::int64_t>(&*number)) {
    if (*integer > 9007199254740991 || *integer < -9007199254740991) std::abort();
  } else if (!std::isfinite(std::get<double>(*number))) {
    std::abort();
  }
  const auto again = parse_attribute_number(scalar_text(*number));
  if (!again || !scalar_equal(*again, *number)) std::abort();  // its text reads back as itself
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = parts_of(std::string_view(reinterpret_cast<const char*>(data), size));
  DataAttributes attributes;
  attributes.tracking = parts[0];
  if (parts.size() > 1) attributes.label = parts[1];
  if (parts.size() > 2) attributes.property = parts[2];
  if (parts.size() > 3) attributes.value = parts[3];
  for (std::size_t i = 4; i + 1 < parts.size(); i += 2) attributes.additional[parts[i]] = parts[i + 1];
  const auto result = parse_data_attributes(attributes);
  if (const auto* event = std::get_if<EventInput>(&result)) {
    if (blank_event_name(event->name)) std::abort();
    if (attributes.label && event->properties.at("label") != Scalar{*attributes.label}) std::abort();  // the attribute wins
  } else if (const auto* error = std::get_if<DataAttributeError>(&result)) {
    if (error->field != "data-event-value" || !attributes.value) std::abort();
  } else if (!blank_event_name(attributes.tracking)) {
    std::abort();  // only a blank name sends nothing
  }
  for (const auto& part : parts) check_number(part);
  return 0;
}
