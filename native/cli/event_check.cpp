#include "native/cli/event_check.hpp"

#include "core/event_errors.hpp"
#include "native/cli/did_you_mean.hpp"

namespace ie::cli {

namespace {

std::vector<std::string> event_names(const Definitions& definitions) {
  std::vector<std::string> names;
  for (const auto& [name, definition] : definitions.events) names.push_back(name);
  return names;
}

}  // namespace

Event checked_event(const Definitions& definitions, const EventInput& input) {
  auto result = validate_event(definitions, input);
  if (auto* event = std::get_if<Event>(&result)) return std::move(*event);
  EventError error = std::get<EventError>(std::move(result));
  if (error.kind == EventErrorKind::unknown_event) error.message += did_you_mean(input.name, event_names(definitions));
  throw_event_error(error);
}

}  // namespace ie::cli
