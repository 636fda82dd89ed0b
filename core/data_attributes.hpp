#pragma once
// The `data-event-*` attributes of an element, read as GitLab's frontend reads them, minus its
// known defects: data-event-value="0" is the number 0 (GitLab drops it as falsy), "2.5" is 2.5,
// text that is not a number is an error naming the attribute (not a silent NaN), and an element
// whose event name is empty sends nothing.
//
//   <button data-event-tracking="click_button" data-event-label="menu" data-event-property="top"
//           data-event-value="0" data-event-additional='{"source":"header"}'>
//
// Attribute values are text; data-event-additional is JSON, which the browser parses (core links
// no JSON parser) and hands over as plain values.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/event.hpp"
#include "core/scalar.hpp"

namespace ie {

struct DataAttributes {
  std::string tracking;  // data-event-tracking (data-event-tracking-load elements carry it too)
  std::optional<std::string> label;
  std::optional<std::string> property;
  std::optional<std::string> value;
  Fields additional;  // data-event-additional, already parsed
};

struct DataAttributeError {
  std::string field;    // the attribute's name, e.g. data-event-value
  std::string message;  // names the attribute and quotes the text
};

struct NothingToSend {};

// The event to track: label, property and value from their own attributes win over the same keys
// in data-event-additional, because the specific attribute is the one a reader of the HTML sees.
using DataAttributeResult = std::variant<EventInput, DataAttributeError, NothingToSend>;

DataAttributeResult parse_data_attributes(const DataAttributes& attributes);

// True for an empty or all-space event name, which is never sent (from an attribute or a call).
bool blank_event_name(std::string_view name);

// A number written as JSON writes numbers (surrounding spaces allowed): whole numbers within
// JavaScript's safe range become integers, the others floats. nullopt for anything else,
// including hex, "NaN", "Infinity" and the empty string.
std::optional<Scalar> parse_attribute_number(std::string_view text);

}  // namespace ie
