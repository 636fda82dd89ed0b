#pragma once
// The event and metric definitions, GitLab's format, as plain structs. Built from JSON by
// definitions_json.hpp (the native loader turns YAML files into JSON first; the browser hands the
// bundle over field by field), so nothing here knows about files.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/scalar.hpp"

namespace ie {

// What a property holds. label and property are strings and value a number, by GitLab's rule; a
// custom property may declare its own (`type: string|number|boolean`, our extension to GitLab's
// format, which has none) and otherwise takes any scalar.
enum class PropertyType { any, string, number, boolean };

// Event, property and product group names: ^[a-z0-9_]+$.
bool is_definition_name(const std::string& name);
// label, property and value: the properties every event may carry, typed by GitLab's rule.
bool is_base_property(const std::string& name);

std::optional<PropertyType> parse_property_type(const std::string& text);  // string, number, boolean
const char* property_type_name(PropertyType type);                         // "any", "string", …

struct PropertyDefinition {
  std::string description;
  PropertyType type = PropertyType::any;
  // `required: true` (our extension): typed call sites (`definitions types`) must pass it.
  bool required = false;
};

struct EventDefinition {
  std::string action;  // the event name, ^[a-z0-9_]+$
  std::string description;
  std::vector<std::string> identifiers;            // subset of user, project, namespace
  std::vector<std::string> additional_properties;  // label, property, value and custom keys
  std::map<std::string, std::string> other_fields;  // kept (JSON text), not acted on
  std::string source;                                // where it was read from, for messages
  // The same names as additional_properties, with what each declares; last, so that positional
  // initializers of the fields above keep working.
  std::map<std::string, PropertyDefinition> properties;

  bool declares_property(const std::string& name) const;
};

// A list time_frame expands into one metric per frame, so each metric has exactly one.
enum class TimeFrame { seven_days, twenty_eight_days, all };

std::optional<TimeFrame> parse_time_frame(const std::string& text);
const char* time_frame_name(TimeFrame frame);  // "7d", "28d" or "all", as the definition files write it

struct MetricEvent {
  std::string name;
  std::optional<std::string> unique;    // user.id | project.id | namespace.id | label | property | value
  std::map<std::string, Scalar> filter;  // every key must equal the event's property
  std::optional<std::string> operator_;  // sum(value)
};

struct MetricDefinition {
  std::string key_path;
  TimeFrame time_frame = TimeFrame::all;
  std::vector<MetricEvent> events;
  std::string status;
  std::map<std::string, std::string> other_fields;
  std::string source;
};

struct Definitions {
  std::map<std::string, EventDefinition> events;
  std::vector<MetricDefinition> metrics;

  const EventDefinition* find_event(const std::string& action) const;
  const MetricDefinition* find_metric(const std::string& key_path) const;
};

inline constexpr const char* kSumOperator = "sum(value)";

}  // namespace ie
