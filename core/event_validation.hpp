#pragma once
// GitLab's rules for a tracked event: the name must be defined; label and property are strings,
// value is a number; custom properties must be declared by the event's definition; user, project
// and namespace are integers. Validation returns the first problem as a typed value: core throws
// nothing here, so the same code runs in the browser (see event_errors.hpp for strict mode).
#include <optional>
#include <string>
#include <variant>

#include "core/definitions.hpp"
#include "core/event.hpp"

namespace ie {

enum class EventErrorKind { unknown_event, invalid_property_type, undeclared_property, invalid_identifier };

struct EventError {
  EventErrorKind kind;
  std::string event;
  std::string field;  // "" for unknown_event
  std::string message;  // names the event and the field
};

const char* event_error_kind_name(EventErrorKind kind);  // "unknown_event", …

using ValidationResult = std::variant<Event, EventError>;

ValidationResult validate_event(const Definitions& definitions, EventInput input);
// The same, once the caller has found the event's definition.
ValidationResult validate_event(const EventDefinition& definition, EventInput input);

}  // namespace ie
