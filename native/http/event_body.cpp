#include "native/http/event_body.hpp"

namespace ie::http {

namespace {

struct ShapeError {
  std::string reason;
  std::string message;
};

// The reader has already made every integer beyond int64 a double.
std::optional<Scalar> scalar_from(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::null: return Scalar{nullptr};
    case JsonType::boolean: return Scalar{value.boolean()};
    case JsonType::integer: return Scalar{value.integer()};
    case JsonType::number: return Scalar{value.number()};
    case JsonType::string: return Scalar{std::string(value.string())};
    default: return std::nullopt;
  }
}

ShapeError not_a_scalar(std::string_view event, std::string_view field, const JsonValue& value) {
  return ShapeError{"invalid_property_type", "event '" + std::string(event) + "': " + std::string(field) +
                                                 " must be a string, number, boolean or null, not " + value.type_name()};
}

Scalar scalar_field(std::string_view event, std::string_view field, const JsonValue& value) {
  if (auto scalar = scalar_from(value)) return std::move(*scalar);
  throw not_a_scalar(event, field, value);
}

// The members of an event that the receiver reads, found in one pass over the object (the last of
// a repeated key counts, as with JsonValue::find): a find for each, every one scanning the keys,
// was a quarter of the time spent turning an event into a TrackRequest.
struct EventMembers {
  explicit EventMembers(const JsonValue& object) {
    for (const JsonValue& member : object.items()) {
      if (const JsonValue** found = slot(member.key())) *found = &member;
    }
  }

  const JsonValue* event = nullptr;
  const JsonValue* eid = nullptr;
  const JsonValue* user_id = nullptr;
  const JsonValue* project_id = nullptr;
  const JsonValue* namespace_id = nullptr;
  const JsonValue* additional_properties = nullptr;
  const JsonValue* category = nullptr;

 private:
  const JsonValue** slot(std::string_view key) {
    if (key == "event") return &event;
    if (key == "eid") return &eid;
    if (key == "user_id") return &user_id;
    if (key == "project_id") return &project_id;
    if (key == "namespace_id") return &namespace_id;
    if (key == "additional_properties") return &additional_properties;
    if (key == "category") return &category;
    return nullptr;
  }
};

std::string_view event_name(const EventMembers& event) {
  if (!event.event || !event.event->is_string()) throw ShapeError{"invalid_event", "event must be a string naming the event"};
  return event.event->string();
}

std::string event_id(std::string_view name, const EventMembers& event) {
  const JsonValue* eid = event.eid;
  if (!eid || eid->is_null()) return "";
  if (!eid->is_string()) throw ShapeError{"invalid_event", "event '" + std::string(name) + "': eid must be a string"};
  return std::string(eid->string());
}

// Of repeated keys the last value counts, and of several wrong values the first in key order is
// named: what answers said when nlohmann's std::map held the properties.
Fields properties(std::string_view name, const EventMembers& event) {
  Fields result;
  const JsonValue* found = event.additional_properties;
  if (!found || found->is_null()) return result;
  if (!found->is_object()) {
    throw ShapeError{"invalid_property_type", "event '" + std::string(name) + "': additional_properties must be an object"};
  }
  std::map<std::string_view, const JsonValue*> wrong;  // by key, while its last value is not a scalar
  for (const JsonValue& value : found->items()) {
    if (auto scalar = scalar_from(value)) {
      result.insert_or_assign(value.key(), std::move(*scalar));
      if (!wrong.empty()) wrong.erase(value.key());
    } else {
      wrong.insert_or_assign(value.key(), &value);
    }
  }
  if (!wrong.empty()) throw not_a_scalar(name, wrong.begin()->first, *wrong.begin()->second);
  return result;
}

void body_identifier(Fields& identifiers, std::string_view name, const JsonValue* found, std::string_view field, const char* kind) {
  if (found) identifiers[kind] = scalar_field(name, field, *found);
}

Fields identifiers(std::string_view name, const EventMembers& event, const IdentityRule& rule) {
  Fields result;
  if (rule.trust_body_user) body_identifier(result, name, event.user_id, "user_id", "user");
  body_identifier(result, name, event.project_id, "project_id", "project");
  body_identifier(result, name, event.namespace_id, "namespace_id", "namespace");
  if (rule.claims) {
    result["user"] = rule.claims->user_id;
    if (rule.claims->project_id) result["project"] = *rule.claims->project_id;
    if (rule.claims->namespace_id) result["namespace"] = *rule.claims->namespace_id;
  }
  return result;
}

}  // namespace

EventProblem problem_from(const EventError& error) { return EventProblem{event_error_kind_name(error.kind), error.message}; }

std::variant<TrackRequest, EventProblem> track_request_from(const JsonValue& event, const IdentityRule& rule) {
  try {
    if (!event.is_object()) throw ShapeError{"invalid_event", std::string("an event must be a JSON object, not ") + event.type_name()};
    const EventMembers members(event);
    const std::string_view name = event_name(members);
    TrackRequest request{EventInput{std::string(name), identifiers(name, members, rule), properties(name, members)},
                         event_id(name, members)};
    if (members.category && members.category->is_string()) request.category = members.category->string();
    return request;
  } catch (const ShapeError& error) {
    return EventProblem{error.reason, error.message};
  }
}

}  // namespace ie::http
