#pragma once
// What `internal-events definitions types DIR` writes: declarations that make every call site of
// the definitions' events checked by the compiler. GitLab's YAML says which events exist and which
// properties each carries, but nothing checks a call against it until it runs.
//
// - TypeScript: a declaration file that fills the npm package's EventProperties (js/index.d.ts)
//   by declaration merging, after which InternalEvents.track_event('pull_package', { label: 'npm' })
//   is checked by tsc: an unknown event, an undeclared, mistyped or missing required property is
//   a compile error.
// - C++: a header with one function per event over ie::Tracker::track_event,
//   ie::events::pull_package(tracker, {.user = 1}, {.label = "npm"}), whose identifiers and
//   properties are structs of the declared members only (core/typed_properties.hpp), in name
//   order (the order designated initializers go in).
//
// label and property are strings and value a number; a custom property has the `type` its
// definition declares, or any scalar. A property is required where its definition says
// `required: true`; identifiers are the declared ones, each optional (a deploy token has no user).
#include <string>

#include "core/definitions.hpp"

namespace ie {

// `source` names the definitions folder in the files' opening comment. The header throws
// std::invalid_argument when two names would be one C++ name (`delete` and `delete_`).
std::string typescript_declarations(const Definitions& definitions, const std::string& source);
std::string cpp_events_header(const Definitions& definitions, const std::string& source);

// An event or property name as a C++ identifier: itself, `delete_` for a keyword, `event_1x`
// for one that starts with a digit.
std::string cpp_identifier(const std::string& name);

}  // namespace ie
