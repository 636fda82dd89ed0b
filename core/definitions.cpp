#include "core/definitions.hpp"

#include <algorithm>

namespace ie {

bool EventDefinition::declares_property(const std::string& name) const {
  return std::find(additional_properties.begin(), additional_properties.end(), name) != additional_properties.end();
}

// A loop, not std::regex: this file is in the wasm core, where <regex> pulls in locales and the
// environment (WASI imports the browser module does not provide).
bool is_definition_name(const std::string& name) {
  const auto allowed = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  return !name.empty() && std::all_of(name.begin(), name.end(), allowed);
}

bool is_base_property(const std::string& name) { return name == "label" || name == "property" || name == "value"; }

std::optional<TimeFrame> parse_time_frame(const std::string& text) {
  if (text == "7d") return TimeFrame::seven_days;
  if (text == "28d") return TimeFrame::twenty_eight_days;
  if (text == "all") return TimeFrame::all;
  return std::nullopt;
}

const char* time_frame_name(TimeFrame frame) {
  switch (frame) {
    case TimeFrame::seven_days: return "7d";
    case TimeFrame::twenty_eight_days: return "28d";
    case TimeFrame::all: return "all";
  }
  return "all";
}

std::optional<PropertyType> parse_property_type(const std::string& text) {
  if (text == "string") return PropertyType::string;
  if (text == "number") return PropertyType::number;
  if (text == "boolean") return PropertyType::boolean;
  return std::nullopt;
}

const char* property_type_name(PropertyType type) {
  switch (type) {
    case PropertyType::any: return "any";
    case PropertyType::string: return "string";
    case PropertyType::number: return "number";
    case PropertyType::boolean: return "boolean";
  }
  return "any";
}

const EventDefinition* Definitions::find_event(const std::string& action) const {
  const auto found = events.find(action);
  return found == events.end() ? nullptr : &found->second;
}

const MetricDefinition* Definitions::find_metric(const std::string& key_path) const {
  for (const auto& metric : metrics) {
    if (metric.key_path == key_path) return &metric;
  }
  return nullptr;
}

}  // namespace ie
