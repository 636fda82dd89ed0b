#include <doctest/doctest.h>

#include <stdexcept>

#include "core/call_site_types.hpp"

using namespace ie;

namespace {

EventDefinition event(const std::string& action, std::vector<std::string> identifiers, std::map<std::string, PropertyDefinition> properties) {
  EventDefinition definition;
  definition.action = action;
  definition.identifiers = std::move(identifiers);
  for (const auto& [name, property] : properties) definition.additional_properties.push_back(name);
  definition.properties = std::move(properties);
  return definition;
}

Definitions sample() {
  Definitions definitions;
  definitions.events["pull_package"] = event("pull_package", {"project", "user"},
                                             {{"label", {"The format */ of it", PropertyType::string, true}},
                                              {"value", {"", PropertyType::number, false}},
                                              {"count", {"", PropertyType::any, false}},
                                              {"signed", {"", PropertyType::boolean, false}}});
  definitions.events["view_page"] = event("view_page", {}, {});
  definitions.events["view_page"].description = "A page was viewed\\";
  return definitions;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the TypeScript declarations fill EventProperties with each event's typed properties") {
  const std::string ts = typescript_declarations(sample(), "config");
  CHECK(contains(ts, "import 'internal-events';\n\ndeclare module 'internal-events' {\n  interface EventProperties {\n"));
  CHECK(contains(ts, "    'pull_package': {\n      'count'?: string | number | boolean;\n"));
  CHECK(contains(ts, "      /** The format *\\/ of it */\n      'label': string;\n"));  // required; the comment stays closed
  CHECK(contains(ts, "      'signed'?: boolean;\n      'value'?: number;\n    };\n"));
  // Not {}: TypeScript checks no excess properties against an empty type.
  CHECK(contains(ts, "    /** A page was viewed */\n    'view_page': Record<string, never>;\n"));
  CHECK(contains(ts, "`internal-events definitions types config`"));
}

TEST_CASE("the C++ header has one function per event over structs of its declared members") {
  const std::string cpp = cpp_events_header(sample(), "config");
  CHECK(contains(cpp, "#include \"core/typed_properties.hpp\"\n#include \"native/tracker.hpp\"\n"));
  CHECK(contains(cpp, "struct pull_package {\n  ie::typed::Optional<ie::typed::Id> user{};\n  ie::typed::Optional<ie::typed::Id> project{};\n};"));
  CHECK(contains(cpp, "struct pull_package {\n  ie::typed::Optional<ie::typed::AnyScalar> count{};\n"
                      "  ie::typed::Required<ie::typed::Text> label;  // The format *\\/ of it\n"
                      "  ie::typed::Optional<ie::typed::Boolean> signed_{};\n"
                      "  ie::typed::Optional<ie::typed::Number> value{};\n};"));
  // A required property: no defaults, since {} would not compile.
  CHECK(contains(cpp, "inline bool pull_package(ie::Tracker& tracker, const ie::event_identifiers::pull_package& identifiers,\n"
                      "    const ie::event_properties::pull_package& properties, bool send_snowplow_event = true) {\n"));
  CHECK(contains(cpp, "  ie::typed::put(additional, \"signed\", properties.signed_);\n"));
  CHECK(contains(cpp, "return tracker.track_event(\"pull_package\", {.user = ie::typed::id(identifiers.user), "
                      ".project = ie::typed::id(identifiers.project)}, additional, send_snowplow_event);"));
  CHECK(contains(cpp, "// A page was viewed\ninline bool view_page(ie::Tracker& tracker, [[maybe_unused]] const ie::event_identifiers::view_page& "
                      "identifiers = {},\n    [[maybe_unused]] const ie::event_properties::view_page& properties = {}, "
                      "bool send_snowplow_event = true) {\n"));
}

TEST_CASE("names that are no C++ identifiers are changed, and two that would be one are refused") {
  CHECK(cpp_identifier("pull_package") == "pull_package");
  CHECK(cpp_identifier("delete") == "delete_");
  CHECK(cpp_identifier("2fa_enabled") == "event_2fa_enabled");
  Definitions clash;
  clash.events["delete"] = event("delete", {}, {});
  clash.events["delete_"] = event("delete_", {}, {});
  CHECK_THROWS_WITH_AS(cpp_events_header(clash, "d"), "the events 'delete' and 'delete_' would both be named delete_ in C++",
                       std::invalid_argument);
}
