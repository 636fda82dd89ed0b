#include "native/http/event_body.hpp"

#include <limits>

namespace ie::http {

namespace {

using json = nlohmann::json;

struct ShapeError {
  std::string reason;
  std::string message;
};

std::optional<Scalar> scalar_from(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return Scalar{nullptr};
    case json::value_t::boolean: return Scalar{value.get<bool>()};
    case json::value_t::number_integer: return Scalar{value.get<std::int64_t>()};
    case json::value_t::number_unsigned: {
      const auto number = value.get<std::uint64_t>();
      if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return Scalar{static_cast<double>(number)};
      return Scalar{static_cast<std::int64_t>(number)};
    }
    case json::value_t::number_float: return Scalar{value.get<double>()};
    case json::value_t::string: return Scalar{value.get<std::string>()};
    default: return std::nullopt;
  }
}

Scalar scalar_field(const std::string& event, const std::string& field, const json& value) {
  if (auto scalar = scalar_from(value)) return *scalar;
  throw ShapeError{"invalid_property_type", "event '" + event + "': " + field + " must be a string, number, boolean or null, not " + value.type_name()};
}

std::string event_name(const json& event) {
  if (!event.is_object()) throw ShapeError{"invalid_event", std::string("an event must be a JSON object, not ") + event.type_name()};
  const auto name = event.find("event");
  if (name == event.end() || !name->is_string()) throw ShapeError{"invalid_event", "event must be a string naming the event"};
  return name->get<std::string>();
}

std::string event_id(const std::string& name, const json& event) {
  const auto eid = event.find("eid");
  if (eid == event.end() || eid->is_null()) return "";
  if (!eid->is_string()) throw ShapeError{"invalid_event", "event '" + name + "': eid must be a string"};
  return eid->get<std::string>();
}

std::map<std::string, Scalar> properties(const std::string& name, const json& event) {
  std::map<std::string, Scalar> result;
  const auto found = event.find("additional_properties");
  if (found == event.end() || found->is_null()) return result;
  if (!found->is_object()) throw ShapeError{"invalid_property_type", "event '" + name + "': additional_properties must be an object"};
  for (const auto& [key, value] : found->items()) result[key] = scalar_field(name, key, value);
  return result;
}

void body_identifier(std::map<std::string, Scalar>& identifiers, const std::string& name, const json& event, const char* field,
                     const char* kind) {
  if (const auto found = event.find(field); found != event.end()) identifiers[kind] = scalar_field(name, field, *found);
}

std::map<std::string, Scalar> identifiers(const std::string& name, const json& event, const IdentityRule& rule) {
  std::map<std::string, Scalar> result;
  if (rule.trust_body_user) body_identifier(result, name, event, "user_id", "user");
  body_identifier(result, name, event, "project_id", "project");
  body_identifier(result, name, event, "namespace_id", "namespace");
  if (rule.claims) {
    result["user"] = rule.claims->user_id;
    if (rule.claims->project_id) result["project"] = *rule.claims->project_id;
    if (rule.claims->namespace_id) result["namespace"] = *rule.claims->namespace_id;
  }
  return result;
}

}  // namespace

EventProblem problem_from(const EventError& error) { return EventProblem{event_error_kind_name(error.kind), error.message}; }

std::variant<TrackRequest, EventProblem> track_request_from(const json& event, const IdentityRule& rule) {
  try {
    const std::string name = event_name(event);
    return TrackRequest{EventInput{name, identifiers(name, event, rule), properties(name, event)}, event_id(name, event)};
  } catch (const ShapeError& error) {
    return EventProblem{error.reason, error.message};
  }
}

}  // namespace ie::http
