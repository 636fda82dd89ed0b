#pragma once
// How to track an event from each place the README's "Tracking events" shows: C++ (the tracker,
// and the typed function of `definitions types`), JavaScript, a Vue component and HTML
// attributes, with the event's own identifiers and properties filled in with example values.
// `definitions new` prints it once the files are written, as GitLab's generator shows its usage.
#include <string>

#include "core/definitions.hpp"

namespace ie {

std::string usage_snippets(const EventDefinition& event);

}  // namespace ie
