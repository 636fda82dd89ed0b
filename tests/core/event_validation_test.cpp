#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/event_errors.hpp"
#include "core/event_validation.hpp"

using namespace ie;
using nlohmann::json;

namespace {

// The same cases file drives the wasm test, so both builds are held to identical answers.
json validation_cases() {
  std::ifstream in("tests/cases/event_validation.json");
  REQUIRE(in);
  return json::parse(in);
}

Definitions definitions_of(const json& events) {
  Definitions definitions;
  for (const auto& [name, event] : events.items()) {
    definitions.events[name] = EventDefinition{name, "", event["identifiers"], event["additional_properties"], {}, "cases"};
  }
  return definitions;
}

Scalar scalar_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number()) return value.get<double>();
  return nullptr;
}

Fields scalars_of(const json& object) {
  Fields scalars;
  for (const auto& [key, value] : object.items()) scalars[key] = scalar_of(value);
  return scalars;
}

EventInput input_of(const json& test) {
  return {test["event"], scalars_of(test.value("identifiers", json::object())), scalars_of(test.value("properties", json::object()))};
}

}  // namespace

TEST_CASE("validation follows GitLab's rules (shared cases)") {
  const json cases = validation_cases();
  const Definitions definitions = definitions_of(cases["events"]);
  for (const auto& test : cases["cases"]) {
    CAPTURE(test["title"].get<std::string>());
    const auto result = validate_event(definitions, input_of(test));
    if (test["error"].is_null()) {
      CHECK(std::holds_alternative<Event>(result));
      continue;
    }
    REQUIRE(std::holds_alternative<EventError>(result));
    const auto& error = std::get<EventError>(result);
    CHECK(event_error_kind_name(error.kind) == test["error"]["kind"].get<std::string>());
    CHECK(error.field == test["error"]["field"].get<std::string>());
    CHECK(error.message == test["error"]["message"].get<std::string>());
  }
}

TEST_CASE("a valid event keeps its typed values") {
  const Definitions definitions = definitions_of(validation_cases()["events"]);
  const auto result = validate_event(definitions, {"pull_package", {{"user", 1.0}, {"project", std::int64_t{22}}},
                                                   {{"value", std::int64_t{0}}, {"label", nullptr}}});
  const auto& event = std::get<Event>(result);
  CHECK(event.user == 1);
  CHECK(event.project == 22);
  CHECK_FALSE(event.namespace_id.has_value());
  REQUIRE(event.property("value") != nullptr);
  CHECK(scalar_equal(*event.property("value"), Scalar{std::int64_t{0}}));
  CHECK(event.property("label") == nullptr);
}

// Not in the shared cases file yet: the wasm build that reads it is rebuilt by the lead.
TEST_CASE("identifiers are not negative and fit int64: no -1, 2^64 or overflowing id is counted") {
  const Definitions definitions = definitions_of(validation_cases()["events"]);
  const auto message_for = [&](const Scalar& user) {
    const auto result = validate_event(definitions, {"pull_package", {{"user", user}}, {}});
    REQUIRE(std::holds_alternative<EventError>(result));
    CHECK(std::get<EventError>(result).kind == EventErrorKind::invalid_identifier);
    return std::get<EventError>(result).message;
  };
  CHECK(message_for(std::int64_t{-1}) == "event 'pull_package': user must not be negative, not -1");
  CHECK(message_for(-1.0) == "event 'pull_package': user must not be negative, not -1");
  CHECK(std::holds_alternative<Event>(validate_event(definitions, {"pull_package", {{"user", std::int64_t{0}}}, {}})));
  CHECK(message_for(18446744073709551616.0) == "event 'pull_package': user must be an integer id, not float");
  CHECK(std::holds_alternative<Event>(validate_event(definitions, {"pull_package", {{"user", std::int64_t{9007199254740993}}}, {}})));
}

TEST_CASE("strict mode throws typed errors; production mode reports and carries on") {
  const Definitions definitions = definitions_of(validation_cases()["events"]);
  const EventInput unknown{"nope", {}, {}};
  const EventInput bad_label{"pull_package", {}, {{"label", std::int64_t{5}}}};
  const EventInput undeclared{"pull_package", {}, {{"color", std::string("red")}}};
  const EventInput bad_user{"pull_package", {{"user", std::string("x")}}, {}};
  CHECK_THROWS_AS(accept_event(definitions, unknown, ValidationMode::strict, nullptr), UnknownEventError);
  CHECK_THROWS_AS(accept_event(definitions, bad_label, ValidationMode::strict, nullptr), InvalidPropertyTypeError);
  CHECK_THROWS_AS(accept_event(definitions, undeclared, ValidationMode::strict, nullptr), UndeclaredPropertyError);
  CHECK_THROWS_AS(accept_event(definitions, bad_user, ValidationMode::strict, nullptr), InvalidIdentifierError);
  try {
    accept_event(definitions, bad_label, ValidationMode::strict, nullptr);
  } catch (const EventValidationError& error) {
    CHECK(error.error.event == "pull_package");
    CHECK(error.error.field == "label");
  }

  std::vector<EventError> reported;
  const auto report = [&](const EventError& error) { reported.push_back(error); };
  CHECK_FALSE(accept_event(definitions, unknown, ValidationMode::production, report).has_value());
  CHECK_FALSE(accept_event(definitions, bad_label, ValidationMode::production, report).has_value());
  CHECK(accept_event(definitions, {"pull_package", {}, {}}, ValidationMode::production, report).has_value());
  REQUIRE(reported.size() == 2);
  CHECK(reported[0].kind == EventErrorKind::unknown_event);
  CHECK(reported[1].field == "label");
}
