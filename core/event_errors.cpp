#include "core/event_errors.hpp"

namespace ie {

void throw_event_error(const EventError& error) {
  switch (error.kind) {
    case EventErrorKind::unknown_event: throw UnknownEventError(error);
    case EventErrorKind::invalid_property_type: throw InvalidPropertyTypeError(error);
    case EventErrorKind::undeclared_property: throw UndeclaredPropertyError(error);
    case EventErrorKind::invalid_identifier: throw InvalidIdentifierError(error);
  }
  throw EventValidationError(error);
}

std::optional<Event> accept_event(const Definitions& definitions, const EventInput& input, ValidationMode mode,
                                  const EventErrorReporter& report) {
  auto result = validate_event(definitions, input);
  if (auto* event = std::get_if<Event>(&result)) return std::move(*event);
  const auto& error = std::get<EventError>(result);
  if (mode == ValidationMode::strict) throw_event_error(error);
  if (report) report(error);
  return std::nullopt;
}

}  // namespace ie
