#pragma once
// Strict mode (development, tests): a validation problem is thrown as a typed exception, one
// class per kind, like GitLab's UnknownEventError and InvalidPropertyTypeError. Production mode
// reports the problem and carries on: a tracking call never breaks its caller.
#include <functional>
#include <optional>
#include <stdexcept>

#include "core/event_validation.hpp"

namespace ie {

struct EventValidationError : std::runtime_error {
  explicit EventValidationError(EventError details) : std::runtime_error(details.message), error(std::move(details)) {}
  EventError error;
};
struct UnknownEventError : EventValidationError { using EventValidationError::EventValidationError; };
struct InvalidPropertyTypeError : EventValidationError { using EventValidationError::EventValidationError; };
struct UndeclaredPropertyError : EventValidationError { using EventValidationError::EventValidationError; };
struct InvalidIdentifierError : EventValidationError { using EventValidationError::EventValidationError; };

[[noreturn]] void throw_event_error(const EventError& error);

enum class ValidationMode { strict, production };

using EventErrorReporter = std::function<void(const EventError&)>;

// Validates under the given mode: the event when valid; otherwise throws (strict) or reports and
// returns nothing (production).
std::optional<Event> accept_event(const Definitions& definitions, const EventInput& input, ValidationMode mode,
                                  const EventErrorReporter& report);

}  // namespace ie
