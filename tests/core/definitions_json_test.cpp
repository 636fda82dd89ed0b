#include <doctest/doctest.h>

#include "core/definitions_json.hpp"

using namespace ie;
using nlohmann::json;

namespace {

const json kEvent = {{"action", "pull_package"}, {"identifiers", {"user"}}, {"additional_properties", {{"label", {{"description", "format"}}}}}};

std::vector<DefinitionError> metric_errors(const json& metric) {
  DefinitionsBuilder builder;
  builder.add_event(kEvent, "events/pull_package.yml");
  builder.add_metric(metric, "metrics/m.yml");
  return builder.finish();
}

std::vector<DefinitionError> event_errors(const json& event) {
  DefinitionsBuilder builder;
  builder.add_event(event, "events/e.yml");
  return builder.finish();
}

json metric(json changes) {
  json base = {{"key_path", "counts.pulls"}, {"time_frame", "7d"}, {"data_source", "internal_events"}, {"events", {{{"name", "pull_package"}}}}};
  base.merge_patch(changes);
  return base;
}

void check_single_error(const std::vector<DefinitionError>& errors, const std::string& file, const std::string& field) {
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].file == file);
  CHECK(errors[0].field == field);
  CHECK(errors[0].text().rfind(file + ": " + field + ": ", 0) == 0);
}

}  // namespace

TEST_CASE("a list time_frame expands into one metric per frame") {
  DefinitionsBuilder builder;
  builder.add_event(kEvent, "e.yml");
  builder.add_metric(metric({{"time_frame", {"all", "28d", "7d"}}}), "m.yml");
  builder.add_metric(metric({{"key_path", "counts.single"}, {"time_frame", "28d"}}), "s.yml");
  REQUIRE(builder.finish().empty());
  const Definitions definitions = builder.take();
  REQUIRE(definitions.metrics.size() == 4);
  CHECK(definitions.find_metric("counts.pulls")->time_frame == TimeFrame::all);
  CHECK(definitions.find_metric("counts.pulls_monthly")->time_frame == TimeFrame::twenty_eight_days);
  CHECK(definitions.find_metric("counts.pulls_weekly")->time_frame == TimeFrame::seven_days);
  CHECK(definitions.find_metric("counts.single")->time_frame == TimeFrame::twenty_eight_days);  // no suffix: not a list
}

TEST_CASE("unknown fields are kept and ignored") {
  DefinitionsBuilder builder;
  json event = kEvent;
  event["product_group"] = "package_registry";
  event["distributions"] = {"ce"};
  builder.add_event(event, "e.yml");
  REQUIRE(builder.finish().empty());
  const Definitions definitions = builder.take();
  CHECK(definitions.find_event("pull_package")->other_fields.at("product_group") == "\"package_registry\"");
  CHECK(definitions.find_event("pull_package")->other_fields.at("distributions") == "[\"ce\"]");
}

// A file saved as Latin-1: dump() threw json's type_error out of add_event, naming neither file nor
// field, and `definitions check` stopped there (found by the YAML definitions fuzzer).
TEST_CASE("unknown fields that are not UTF-8 are kept with the bytes replaced") {
  DefinitionsBuilder builder;
  json event = kEvent;
  event["product_group"] = "caf\xE9";
  json metric = {{"key_path", "counts.pulls"}, {"time_frame", "7d"}, {"data_source", "internal_events"},
                 {"events", {{{"name", "pull_package"}}}}, {"owner", {"\xAD"}}};
  builder.add_event(event, "events/e.yml");
  builder.add_metric(metric, "metrics/m.yml");
  REQUIRE(builder.finish().empty());
  const Definitions definitions = builder.take();
  CHECK(definitions.find_event("pull_package")->other_fields.at("product_group") == "\"caf\xEF\xBF\xBD\"");
}

TEST_CASE("each kind of malformed event names its file and field") {
  check_single_error(event_errors(json::array({1, 2})), "events/e.yml", "(file)");
  check_single_error(event_errors({{"description", "no action"}}), "events/e.yml", "action");
  check_single_error(event_errors({{"action", "Has Spaces"}}), "events/e.yml", "action");
  check_single_error(event_errors({{"action", 12}}), "events/e.yml", "action");
  check_single_error(event_errors({{"action", "a"}, {"identifiers", {"user", "group"}}}), "events/e.yml", "identifiers[1]");
  check_single_error(event_errors({{"action", "a"}, {"identifiers", "user"}}), "events/e.yml", "identifiers");
  check_single_error(event_errors({{"action", "a"}, {"additional_properties", {"label"}}}), "events/e.yml", "additional_properties");
  check_single_error(event_errors({{"action", "a"}, {"additional_properties", {{"label", {{"description", 3}}}}}}), "events/e.yml",
                     "additional_properties.label.description");
  check_single_error(event_errors({{"action", "a"}, {"internal_events", "yes"}}), "events/e.yml", "internal_events");
  DefinitionsBuilder builder;
  builder.add_event(kEvent, "events/one.yml");
  builder.add_event(kEvent, "events/two.yml");
  check_single_error(builder.finish(), "events/two.yml", "action");
}

TEST_CASE("a property may declare its type and whether calls must carry it (our extension)") {
  DefinitionsBuilder builder;
  builder.add_event({{"action", "a"},
                     {"additional_properties",
                      {{"label", {{"description", "format"}, {"required", true}}},
                       {"value", nullptr},
                       {"count", {{"description", "versions"}, {"type", "number"}}},
                       {"signed", {{"type", "boolean"}}},
                       {"origin", {{"description", "GitLab's: no type"}}}}}},
                    "events/a.yml");
  REQUIRE(builder.finish().empty());
  const Definitions definitions = builder.take();
  const EventDefinition& event = definitions.events.at("a");
  CHECK(event.additional_properties == std::vector<std::string>{"count", "label", "origin", "signed", "value"});
  CHECK(event.properties.at("label").type == PropertyType::string);
  CHECK(event.properties.at("label").required);
  CHECK(event.properties.at("label").description == "format");
  CHECK(event.properties.at("value").type == PropertyType::number);  // an empty entry, typed by GitLab's rule
  CHECK_FALSE(event.properties.at("value").required);
  CHECK(event.properties.at("count").type == PropertyType::number);
  CHECK(event.properties.at("signed").type == PropertyType::boolean);
  CHECK(event.properties.at("origin").type == PropertyType::any);

  const auto property = [](const json& declaration) { return json{{"action", "a"}, {"additional_properties", declaration}}; };
  check_single_error(event_errors(property({{"count", {{"type", "integer"}}}})), "events/e.yml", "additional_properties.count.type");
  check_single_error(event_errors(property({{"label", {{"type", "number"}}}})), "events/e.yml", "additional_properties.label.type");
  CHECK(event_errors(property({{"value", {{"type", "string"}}}}))[0].message == "value is always a number");
  CHECK(event_errors(property({{"label", {{"type", "string"}}}})).empty());
  check_single_error(event_errors(property({{"label", {{"required", "yes"}}}})), "events/e.yml", "additional_properties.label.required");
}

TEST_CASE("each kind of malformed metric names its file and field") {
  check_single_error(metric_errors(metric({{"key_path", nullptr}})), "metrics/m.yml", "key_path");
  check_single_error(metric_errors(metric({{"time_frame", nullptr}})), "metrics/m.yml", "time_frame");
  check_single_error(metric_errors(metric({{"time_frame", "1y"}})), "metrics/m.yml", "time_frame");
  check_single_error(metric_errors(metric({{"time_frame", {"7d", "90d"}}})), "metrics/m.yml", "time_frame[1]");
  check_single_error(metric_errors(metric({{"events", json::array()}})), "metrics/m.yml", "events");
  check_single_error(metric_errors(metric({{"events", {{{"unique", "user.id"}}}}})), "metrics/m.yml", "events[0].name");
  check_single_error(metric_errors(metric({{"events", {{{"name", "pull_package"}, {"unique", "email"}}}}})), "metrics/m.yml", "events[0].unique");
  check_single_error(metric_errors(metric({{"events", {{{"name", "pull_package"}, {"filter", {{"label", 3}}}}}}})), "metrics/m.yml",
                     "events[0].filter.label");
  check_single_error(metric_errors(metric({{"events", {{{"name", "pull_package"}, {"filter", {{"value", "3"}}}}}}})), "metrics/m.yml",
                     "events[0].filter.value");
  check_single_error(metric_errors(metric({{"events", {{{"name", "pull_package"}, {"filter", {{"x", {1}}}}}}}})), "metrics/m.yml",
                     "events[0].filter.x");
  check_single_error(metric_errors(metric({{"operator", "max(value)"}})), "metrics/m.yml", "operator");
  check_single_error(metric_errors(metric({{"events", {{{"name", "no_such_event"}}}}})), "metrics/m.yml", "events[0].name");
}

TEST_CASE("metrics of other data sources are ignored, not errors") {
  DefinitionsBuilder builder;
  builder.add_metric({{"key_path", "counts.issues"}, {"data_source", "database"}, {"time_frame", "all"}}, "db.yml");
  CHECK(builder.finish().empty());
  CHECK(builder.ignored_metrics() == 1);
}

TEST_CASE("the browser bundle holds each event's identifiers and properties") {
  DefinitionsBuilder builder;
  builder.add_event(kEvent, "e.yml");
  builder.finish();
  const json bundle = definitions_bundle(builder.take());
  CHECK(bundle["events"]["pull_package"]["identifiers"] == json{"user"});
  CHECK(bundle["events"]["pull_package"]["additional_properties"] == json{"label"});
}
