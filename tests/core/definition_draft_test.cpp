#include <doctest/doctest.h>

#include <functional>
#include <stdexcept>

#include "core/definition_draft.hpp"

using namespace ie;

namespace {

EventDraft pull_draft() {
  EventDraft draft;
  draft.action = "pull_package";
  draft.identifiers = {"project", "user"};
  draft.properties = {{"label", PropertyType::string, "format", false},
                      {"value", PropertyType::number, "bytes", false},
                      {"signed", PropertyType::boolean, "whether it was signed", false}};
  return draft;
}

std::vector<std::string> names(const std::vector<MetricChoice>& choices) {
  std::vector<std::string> out;
  for (const auto& choice : choices) out.push_back(metric_choice_name(choice));
  return out;
}

std::string refusal(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const std::invalid_argument& refused) {
    return refused.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("the action must be an event name and new to the folder") {
  CHECK(parse_action_answer("  pull_package ") == "pull_package");
  CHECK(refusal([] { parse_action_answer("Pull-Package"); }) ==
        "the event name 'Pull-Package' must match ^[a-z0-9_]+$ (lowercase letters, digits, underscores)");
  CHECK(refusal([] { parse_action_answer(""); }).find("must match") != std::string::npos);
  Definitions existing;
  existing.events["pull_package"] = EventDefinition{"pull_package", "", {}, {}, {}, "config/events/pull_package.yml"};
  CHECK(action_taken("pull_package", existing) == "the event 'pull_package' is already defined in config/events/pull_package.yml");
  CHECK_FALSE(action_taken("push_package", existing));
}

TEST_CASE("identifiers, tiers and product groups are read as GitLab's generator writes them") {
  CHECK(parse_identifiers_answer("user, namespace,project") == std::vector<std::string>{"project", "namespace", "user"});
  CHECK(parse_identifiers_answer("user,user") == std::vector<std::string>{"user"});
  CHECK(parse_identifiers_answer("none").empty());
  CHECK(parse_identifiers_answer("").empty());
  CHECK(refusal([] { parse_identifiers_answer("user,group"); }) == "'group' is not an identifier: they are user, project and namespace");
  CHECK(parse_tiers_answer("ultimate, premium") == std::vector<std::string>{"premium", "ultimate"});
  CHECK(parse_tiers_answer("free,premium,ultimate").size() == 3);
  CHECK(refusal([] { parse_tiers_answer("free"); }).find("the tiers must be free,premium,ultimate") == 0);
  CHECK(parse_product_group_answer(" package_registry") == "package_registry");
  CHECK(refusal([] { parse_product_group_answer("Package Registry"); }).find("must match") != std::string::npos);
  CHECK(refusal([] { parse_description_answer("   "); }) == "the description is required: say what the event tracks");
}

TEST_CASE("a custom property is NAME:TYPE:DESCRIPTION, and its description may hold colons") {
  const PropertyDraft property = parse_custom_property_answer("deploy_token_id:number:The token's id: an integer");
  CHECK(property.name == "deploy_token_id");
  CHECK(property.type == PropertyType::number);
  CHECK(property.description == "The token's id: an integer");
  CHECK(refusal([] { parse_custom_property_answer("label:string:x"); }) == "label is not a custom property: it has its own question");
  CHECK(refusal([] { parse_custom_property_answer("count:integer:x"); }) == "the type of count must be string, number or boolean");
  CHECK(refusal([] { parse_custom_property_answer("count:number"); }) == "a custom property is NAME:TYPE:DESCRIPTION, not 'count:number'");
  CHECK(refusal([] { parse_custom_property_answer("count:number: "); }) == "the property count needs a description");
  CHECK(refusal([] { parse_custom_property_answer("Count:number:x"); }).find("must match") != std::string::npos);
}

TEST_CASE("required properties are among the draft's") {
  const EventDraft draft = pull_draft();
  CHECK(parse_required_answer("value, label,value", draft) == std::vector<std::string>{"value", "label"});
  CHECK(parse_required_answer("none", draft).empty());
  CHECK(refusal([&] { parse_required_answer("property", draft); }) == "'property' is not one of the event's properties");
}

TEST_CASE("the metrics offered follow the identifiers and properties the event has") {
  CHECK(names(metric_options(pull_draft())) ==
        std::vector<std::string>{"unique_users_7d", "unique_users_28d", "unique_projects_7d", "unique_projects_28d", "total_7d",
                                 "total_28d", "total_all", "unique_labels_7d", "unique_labels_28d", "unique_values_7d",
                                 "unique_values_28d"});
  EventDraft bare;
  bare.action = "x";
  CHECK(names(metric_options(bare)) == std::vector<std::string>{"total_7d", "total_28d", "total_all"});
}

TEST_CASE("a metric is chosen by name or menu number, with an optional filter typed by its property") {
  const EventDraft draft = pull_draft();
  const MetricChoice by_number = parse_metric_choice("7", draft);
  CHECK(metric_choice_name(by_number) == "total_all");
  const MetricChoice filtered = parse_metric_choice("unique_users_7d:label=rubygems|npm|rubygems", draft);
  REQUIRE(filtered.filter);
  CHECK(filtered.filter->property == "label");
  CHECK(filtered.filter->values == std::vector<Scalar>{std::string("rubygems"), std::string("npm")});  // repeats dropped
  const MetricChoice numbers = parse_metric_choice("total_7d:value=3|2.5", draft);
  CHECK(numbers.filter->values == std::vector<Scalar>{std::int64_t{3}, 2.5});
  CHECK(parse_metric_choice("total_7d:signed=true", draft).filter->values == std::vector<Scalar>{true});
  // Labels are strings: "16.0" stays text.
  CHECK(parse_metric_choice("total_7d:label=16.0", draft).filter->values == std::vector<Scalar>{std::string("16.0")});

  CHECK(refusal([&] { parse_metric_choice("unique_namespaces_7d", draft); })
            .find("'unique_namespaces_7d' is not a metric this event can have: unique_users_7d, ") == 0);
  CHECK(refusal([&] { parse_metric_choice("unique_users_all", draft); }).find("is not a metric this event can have") != std::string::npos);
  CHECK(refusal([&] { parse_metric_choice("12", draft); }).find("'12' is not a metric") == 0);
  CHECK(refusal([&] { parse_metric_choice("total_7d:value=lots", draft); }) == "value is a number, so 'lots' cannot be one of its values");
  CHECK(refusal([&] { parse_metric_choice("total_7d:signed=yes", draft); }) == "signed is true or false, so 'yes' cannot be one of its values");
  CHECK(refusal([&] { parse_metric_choice("total_7d:property=x", draft); }) == "the filter names 'property', which is not one of the event's properties");
  CHECK(refusal([&] { parse_metric_choice("unique_labels_7d:label=a", draft); }) == "a metric of unique labels cannot also filter on it");
  CHECK(refusal([&] { parse_metric_choice("total_7d:label", draft); }) == "a filter is PROPERTY=VALUE|VALUE…, not 'label'");
  CHECK(refusal([&] { parse_metric_choice("total_7d:label=|", draft); }) == "the filter on label has no values");
  CHECK(names(parse_metric_choices("unique_users_7d, total_all", draft)) == std::vector<std::string>{"unique_users_7d", "total_all"});
  CHECK(parse_metric_choices("none", draft).empty());
}

TEST_CASE("key paths, file names and descriptions are those GitLab's generator gives") {
  const EventDraft draft = pull_draft();
  const auto key = [&](const std::string& choice) { return metric_key_path("pull_package", parse_metric_choice(choice, draft)); };
  CHECK(key("unique_users_7d") == "redis_hll_counters.count_distinct_user_id_from_pull_package_weekly");
  CHECK(key("unique_projects_28d") == "redis_hll_counters.count_distinct_project_id_from_pull_package_monthly");
  CHECK(key("total_all") == "counts.count_total_pull_package");
  CHECK(key("total_7d") == "counts.count_total_pull_package_weekly");
  CHECK(key("unique_labels_28d") == "redis_hll_counters.count_distinct_label_from_pull_package_monthly");
  CHECK(key("unique_users_7d:label=Ruby Gems|npm") == "redis_hll_counters.count_distinct_user_id_from_pull_package_label_ruby_gems_or_npm_weekly");
  CHECK(key("total_all:value=2.5") == "counts.count_total_pull_package_value_2_5");
  CHECK(metric_file_name("pull_package", parse_metric_choice("total_28d", draft)) == "count_total_pull_package_monthly.yml");

  const auto description = [&](const std::string& choice) { return metric_description("pull_package", parse_metric_choice(choice, draft)); };
  CHECK(description("unique_users_7d:label=rubygems|npm") == "Weekly count of unique users who triggered pull_package where label is rubygems or npm");
  CHECK(description("unique_projects_28d") == "Monthly count of unique projects where pull_package occurred");
  CHECK(description("total_all") == "Total count of pull_package occurrences");
  CHECK(description("unique_values_7d") == "Weekly count of unique values for 'value' from pull_package occurrences");
}

TEST_CASE("a draft whose metrics collide, or exist already, is refused") {
  EventDraft draft = pull_draft();
  draft.metrics = parse_metric_choices("total_all:label=a b|c, total_all:label=a_b|c, unique_users_7d", draft);
  Definitions existing;
  MetricDefinition weekly;
  weekly.key_path = "redis_hll_counters.count_distinct_user_id_from_pull_package_weekly";
  weekly.source = "config/metrics/counts_7d/w.yml";
  existing.metrics.push_back(weekly);
  CHECK(draft_problems(draft, existing) ==
        std::vector<std::string>{"the metrics total_all and total_all would both be counts.count_total_pull_package_label_a_b_or_c",
                                 "the metric redis_hll_counters.count_distinct_user_id_from_pull_package_weekly is already defined in "
                                 "config/metrics/counts_7d/w.yml"});
  draft.metrics.pop_back();
  draft.metrics.pop_back();
  CHECK(draft_problems(draft, existing).empty());
}

TEST_CASE("the draft's event is the definition the folder will hold") {
  EventDraft draft = pull_draft();
  draft.properties[0].required = true;
  const EventDefinition event = draft_event_definition(draft);
  CHECK(event.action == "pull_package");
  CHECK(event.additional_properties == std::vector<std::string>{"label", "value", "signed"});
  CHECK(event.properties.at("label").required);
  CHECK(event.properties.at("signed").type == PropertyType::boolean);
  CHECK(event.declares_property("signed"));
}
