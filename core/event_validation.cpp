#include "core/event_validation.hpp"

namespace ie {

namespace {

constexpr const char* kIdentifiers[] = {"user", "project", "namespace"};

EventError error(EventErrorKind kind, const std::string& event, const std::string& field, const std::string& problem) {
  return EventError{kind, event, field, "event '" + event + "': " + field + " " + problem};
}

std::optional<EventError> check_base_property(const std::string& event, const std::string& key, const Scalar& value) {
  if (key == "value") {
    if (!is_number(value)) return error(EventErrorKind::invalid_property_type, event, key, std::string("must be a number, not ") + scalar_kind(value));
  } else if (!is_string(value)) {
    return error(EventErrorKind::invalid_property_type, event, key, std::string("must be a string, not ") + scalar_kind(value));
  }
  return std::nullopt;
}

// An identifier is an integer id; floats with no fraction are accepted because JavaScript has no integers.
std::optional<std::int64_t> identifier_value(const Scalar& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* number = std::get_if<double>(&value)) {
    // The range first: converting a double beyond int64 (1.8e19, a client's uint64) or NaN to an
    // integer is undefined behaviour (found by the event body fuzzer's UndefinedBehaviorSanitizer).
    if (*number >= -9.2e18 && *number <= 9.2e18 && *number == static_cast<double>(static_cast<std::int64_t>(*number))) {
      return static_cast<std::int64_t>(*number);
    }
  }
  return std::nullopt;
}

}  // namespace

const Scalar* Event::property(const std::string& key) const {
  const auto found = properties.find(key);
  return found == properties.end() ? nullptr : &found->second;
}

std::optional<std::int64_t> Event::identifier(std::string_view kind) const {
  if (kind == "user") return user;
  if (kind == "project") return project;
  if (kind == "namespace") return namespace_id;
  return std::nullopt;
}

const char* event_error_kind_name(EventErrorKind kind) {
  switch (kind) {
    case EventErrorKind::unknown_event: return "unknown_event";
    case EventErrorKind::invalid_property_type: return "invalid_property_type";
    case EventErrorKind::undeclared_property: return "undeclared_property";
    case EventErrorKind::invalid_identifier: return "invalid_identifier";
  }
  return "invalid_event";
}

ValidationResult validate_event(const Definitions& definitions, EventInput input) {
  const EventDefinition* definition = definitions.find_event(input.name);
  if (!definition) {
    return EventError{EventErrorKind::unknown_event, input.name, "", "unknown event '" + input.name + "': it has no definition"};
  }
  return validate_event(*definition, std::move(input));
}

ValidationResult validate_event(const EventDefinition& definition, EventInput input) {
  Event event;
  for (const auto& [kind, value] : input.identifiers) {
    if (std::holds_alternative<std::nullptr_t>(value)) continue;
    const auto id = identifier_value(value);
    if (!id) return error(EventErrorKind::invalid_identifier, input.name, kind, std::string("must be an integer id, not ") + scalar_kind(value));
    // A negative id is a client's wrap-around or a sentinel, never a user (0 stays: clients use it).
    if (*id < 0) return error(EventErrorKind::invalid_identifier, input.name, kind, "must not be negative, not " + std::to_string(*id));
    if (kind == kIdentifiers[0]) event.user = id;
    else if (kind == kIdentifiers[1]) event.project = id;
    else if (kind == kIdentifiers[2]) event.namespace_id = id;
    else return error(EventErrorKind::invalid_identifier, input.name, kind, "is not an identifier (user, project, namespace)");
  }
  for (const auto& [key, value] : input.properties) {
    if (std::holds_alternative<std::nullptr_t>(value)) continue;
    if (is_base_property(key)) {
      if (auto problem = check_base_property(input.name, key, value)) return *problem;
    } else if (!definition.declares_property(key)) {
      return error(EventErrorKind::undeclared_property, input.name, key, "is not declared in the event's additional_properties");
    }
  }
  // Moved, not copied: every tracked event passes here.
  event.name = std::move(input.name);
  event.properties = std::move(input.properties);
  erase_if(event.properties, [](const auto& property) { return std::holds_alternative<std::nullptr_t>(property.second); });
  return event;
}

}  // namespace ie
