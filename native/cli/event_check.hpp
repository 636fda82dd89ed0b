#pragma once
// The event a command was asked about, checked as strict mode checks it before anything else
// runs: a mistyped name touches no store, and is answered with the defined name nearest to it.
#include "core/definitions.hpp"
#include "core/event_validation.hpp"

namespace ie::cli {

// The valid event; throws ie's typed validation error (one line) otherwise. An unknown name's
// message ends "; did you mean 'NAME'?" when a defined event is close enough.
Event checked_event(const Definitions& definitions, const EventInput& input);

}  // namespace ie::cli
