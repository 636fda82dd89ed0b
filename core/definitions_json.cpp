#include "core/definitions_json.hpp"

#include <set>

namespace ie {

using nlohmann::json;

namespace {

// Thrown inside one file's parse; the builder turns it into a DefinitionError for that file.
struct FieldError {
  std::string field;
  std::string message;
};

const json* member(const json& object, const char* name) {
  const auto found = object.find(name);
  return found == object.end() || found->is_null() ? nullptr : &*found;
}

std::string required_string(const json& object, const char* name) {
  const json* value = member(object, name);
  if (!value) throw FieldError{name, "is required"};
  if (!value->is_string()) throw FieldError{name, std::string("must be a string, not ") + value->type_name()};
  return value->get<std::string>();
}

std::string optional_string(const json& object, const char* name) {
  const json* value = member(object, name);
  if (!value) return {};
  if (!value->is_string()) throw FieldError{name, std::string("must be a string, not ") + value->type_name()};
  return value->get<std::string>();
}

std::map<std::string, std::string> other_fields(const json& object, const std::set<std::string>& known) {
  std::map<std::string, std::string> kept;
  for (const auto& [name, value] : object.items()) {
    // Bytes that are not UTF-8 (a file saved as Latin-1) are replaced: dump() would throw, out of
    // the builder, an error naming neither the file nor the field (found by the YAML fuzzer).
    if (!known.count(name)) kept[name] = value.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return kept;
}

std::vector<std::string> parse_identifiers(const json& document) {
  static const std::set<std::string> allowed = {"user", "project", "namespace", "feature_enabled_by_namespace_ids"};
  std::vector<std::string> identifiers;
  const json* list = member(document, "identifiers");
  if (!list) return identifiers;
  if (!list->is_array()) throw FieldError{"identifiers", "must be a list"};
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string field = "identifiers[" + std::to_string(i) + "]";
    if (!item.is_string() || !allowed.count(item.get<std::string>())) {
      throw FieldError{field, "must be one of user, project, namespace, feature_enabled_by_namespace_ids"};
    }
    identifiers.push_back(item.get<std::string>());
  }
  return identifiers;
}

// label and property are strings and value a number whatever a file says; a `type` may repeat it.
PropertyType fixed_property_type(const std::string& name) {
  if (name == "label" || name == "property") return PropertyType::string;
  if (name == "value") return PropertyType::number;
  return PropertyType::any;
}

PropertyType parse_property_type_field(const json& property, const std::string& name, const std::string& field) {
  const PropertyType fixed = fixed_property_type(name);
  const json* type = member(property, "type");
  if (!type) return fixed;
  const auto parsed = type->is_string() ? parse_property_type(type->get<std::string>()) : std::nullopt;
  if (!parsed) throw FieldError{field + ".type", "must be string, number or boolean"};
  if (fixed != PropertyType::any && *parsed != fixed) {
    throw FieldError{field + ".type", name + " is always a " + property_type_name(fixed)};
  }
  return *parsed;
}

PropertyDefinition parse_property(const json& property, const std::string& name, const std::string& field) {
  PropertyDefinition definition;
  definition.type = fixed_property_type(name);
  // GitLab's older files leave some entries empty (`project:`); a description is optional.
  if (property.is_null()) return definition;
  if (!property.is_object()) throw FieldError{field, "must be a mapping with a description"};
  if (const json* description = member(property, "description")) {
    if (!description->is_string()) throw FieldError{field + ".description", "must be a string"};
    definition.description = description->get<std::string>();
  }
  definition.type = parse_property_type_field(property, name, field);
  if (const json* required = member(property, "required")) {
    if (!required->is_boolean()) throw FieldError{field + ".required", "must be true or false"};
    definition.required = required->get<bool>();
  }
  return definition;
}

std::map<std::string, PropertyDefinition> parse_additional_properties(const json& document) {
  std::map<std::string, PropertyDefinition> declared;
  const json* properties = member(document, "additional_properties");
  if (!properties) return declared;
  if (!properties->is_object()) throw FieldError{"additional_properties", "must be a mapping of property names"};
  for (const auto& [name, property] : properties->items()) {
    const std::string field = "additional_properties." + name;
    if (!is_definition_name(name)) throw FieldError{field, "property names must match ^[a-z0-9_]+$"};
    declared[name] = parse_property(property, name, field);
  }
  return declared;
}

EventDefinition parse_event(const json& document, const std::string& file) {
  if (!document.is_object()) throw FieldError{"(file)", "must be a mapping of fields"};
  EventDefinition event;
  event.action = required_string(document, "action");
  if (!is_definition_name(event.action)) throw FieldError{"action", "must match ^[a-z0-9_]+$"};
  event.description = optional_string(document, "description");
  if (const json* flag = member(document, "internal_events"); flag && !flag->is_boolean()) {
    throw FieldError{"internal_events", "must be true or false"};
  }
  event.identifiers = parse_identifiers(document);
  event.properties = parse_additional_properties(document);
  for (const auto& [name, property] : event.properties) event.additional_properties.push_back(name);
  event.other_fields = other_fields(document, {"action", "description", "identifiers", "additional_properties"});
  event.source = file;
  return event;
}

Scalar scalar_from_json(const json& value, const std::string& field) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number()) return value.get<double>();
  if (value.is_boolean()) return value.get<bool>();
  throw FieldError{field, std::string("must be a string or a number, not ") + value.type_name()};
}

std::map<std::string, Scalar> parse_filter(const json& entry, const std::string& field) {
  std::map<std::string, Scalar> filter;
  const json* object = member(entry, "filter");
  if (!object) return filter;
  if (!object->is_object()) throw FieldError{field, "must be a mapping of property: value"};
  for (const auto& [name, value] : object->items()) {
    const std::string value_field = field + "." + name;
    Scalar scalar = scalar_from_json(value, value_field);
    if ((name == "label" || name == "property") && !is_string(scalar)) throw FieldError{value_field, "must be a string"};
    if (name == "value" && !is_number(scalar)) throw FieldError{value_field, "must be a number"};
    filter[name] = std::move(scalar);
  }
  return filter;
}

std::optional<std::string> parse_operator(const json& object, const std::string& field) {
  const json* value = member(object, "operator");
  if (!value) return std::nullopt;
  if (!value->is_string() || value->get<std::string>() != kSumOperator) throw FieldError{field, "must be sum(value)"};
  return kSumOperator;
}

MetricEvent parse_metric_event(const json& entry, const std::string& field, const std::optional<std::string>& metric_operator) {
  if (!entry.is_object()) throw FieldError{field, "must be a mapping with a name"};
  MetricEvent event;
  const json* name = member(entry, "name");
  if (!name || !name->is_string()) throw FieldError{field + ".name", "is required and must be a string"};
  event.name = name->get<std::string>();
  if (const json* unique = member(entry, "unique")) {
    static const std::set<std::string> allowed = {"user.id", "project.id", "namespace.id", "label", "property", "value"};
    if (!unique->is_string() || !allowed.count(unique->get<std::string>())) {
      throw FieldError{field + ".unique", "must be one of user.id, project.id, namespace.id, label, property, value"};
    }
    event.unique = unique->get<std::string>();
  }
  event.filter = parse_filter(entry, field + ".filter");
  event.operator_ = parse_operator(entry, field + ".operator");
  if (!event.operator_) event.operator_ = metric_operator;
  if (event.operator_ && event.unique) throw FieldError{field, "a sum(value) metric cannot also count unique values"};
  return event;
}

std::vector<TimeFrame> parse_time_frames(const json& document, bool& is_list) {
  const json* value = member(document, "time_frame");
  if (!value) throw FieldError{"time_frame", "is required (7d, 28d, all or a list of them)"};
  is_list = value->is_array();
  const json items = is_list ? *value : json::array({*value});
  if (items.empty()) throw FieldError{"time_frame", "must not be an empty list"};
  std::vector<TimeFrame> frames;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string field = is_list ? "time_frame[" + std::to_string(i) + "]" : "time_frame";
    const auto frame = items[i].is_string() ? parse_time_frame(items[i].get<std::string>()) : std::nullopt;
    if (!frame) throw FieldError{field, "must be 7d, 28d or all"};
    frames.push_back(*frame);
  }
  return frames;
}

std::string key_path_for(const std::string& key_path, TimeFrame frame, bool from_list) {
  if (!from_list) return key_path;
  switch (frame) {
    case TimeFrame::seven_days: return key_path + "_weekly";
    case TimeFrame::twenty_eight_days: return key_path + "_monthly";
    case TimeFrame::all: return key_path;
  }
  return key_path;
}

std::vector<MetricDefinition> parse_metrics(const json& document, const std::string& file) {
  if (!document.is_object()) throw FieldError{"(file)", "must be a mapping of fields"};
  MetricDefinition base;
  base.key_path = required_string(document, "key_path");
  base.status = optional_string(document, "status");
  const auto metric_operator = parse_operator(document, "operator");
  const json* events = member(document, "events");
  if (!events || !events->is_array() || events->empty()) throw FieldError{"events", "must be a non-empty list"};
  for (std::size_t i = 0; i < events->size(); ++i) {
    base.events.push_back(parse_metric_event((*events)[i], "events[" + std::to_string(i) + "]", metric_operator));
  }
  base.other_fields = other_fields(document, {"key_path", "time_frame", "events", "status", "operator"});
  base.source = file;

  bool from_list = false;
  std::vector<MetricDefinition> expanded;
  for (TimeFrame frame : parse_time_frames(document, from_list)) {
    MetricDefinition metric = base;
    metric.time_frame = frame;
    metric.key_path = key_path_for(base.key_path, frame, from_list);
    expanded.push_back(std::move(metric));
  }
  return expanded;
}

bool is_internal_events_metric(const json& document) {
  const json* source = document.is_object() ? member(document, "data_source") : nullptr;
  return !source || (source->is_string() && source->get<std::string>() == "internal_events");
}

}  // namespace

std::string DefinitionError::text() const { return file + ": " + field + ": " + message; }

void DefinitionsBuilder::add_event(const json& document, const std::string& file) {
  try {
    EventDefinition event = parse_event(document, file);
    if (const EventDefinition* earlier = definitions_.find_event(event.action)) {
      throw FieldError{"action", "'" + event.action + "' is already defined in " + earlier->source};
    }
    definitions_.events.emplace(event.action, std::move(event));
  } catch (const FieldError& error) {
    errors_.push_back({file, error.field, error.message});
  }
}

void DefinitionsBuilder::add_metric(const json& document, const std::string& file) {
  if (!is_internal_events_metric(document)) {
    ++ignored_metrics_;  // database or redis metrics: another system computes them
    return;
  }
  try {
    for (auto& metric : parse_metrics(document, file)) {
      if (const MetricDefinition* earlier = definitions_.find_metric(metric.key_path)) {
        throw FieldError{"key_path", "'" + metric.key_path + "' is already defined in " + earlier->source};
      }
      definitions_.metrics.push_back(std::move(metric));
    }
  } catch (const FieldError& error) {
    errors_.push_back({file, error.field, error.message});
  }
}

const std::vector<DefinitionError>& DefinitionsBuilder::finish() {
  for (const auto& metric : definitions_.metrics) {
    for (std::size_t i = 0; i < metric.events.size(); ++i) {
      if (!definitions_.find_event(metric.events[i].name)) {
        errors_.push_back({metric.source, "events[" + std::to_string(i) + "].name",
                           "names the event '" + metric.events[i].name + "', which is not defined"});
      }
    }
  }
  return errors_;
}

json definitions_bundle(const Definitions& definitions) {
  json events = json::object();
  for (const auto& [name, event] : definitions.events) {
    events[name] = {{"identifiers", event.identifiers}, {"additional_properties", event.additional_properties}};
  }
  return {{"version", 1}, {"events", std::move(events)}};
}

}  // namespace ie
