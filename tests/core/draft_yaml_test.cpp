#include <doctest/doctest.h>

#include "core/draft_yaml.hpp"

using namespace ie;

namespace {

EventDraft publish_draft() {
  EventDraft draft;
  draft.action = "publish_package";
  draft.description = "A package was published: to the registry";
  draft.identifiers = {"project", "user"};
  draft.properties = {{"label", PropertyType::string, "The package format (npm, maven, …)", true},
                      {"version_count", PropertyType::number, "Versions the package has", false}};
  draft.product_group = "package_registry";
  draft.tiers = {"premium", "ultimate"};
  return draft;
}

}  // namespace

TEST_CASE("the event file has GitLab's fields in the generator's order, and our type and required") {
  CHECK(event_yaml(publish_draft()) == R"(---
description: "A package was published: to the registry"
internal_events: true
status: active
action: publish_package
identifiers:
- project
- user
additional_properties:
  label:
    description: The package format (npm, maven, …)
    required: true
  version_count:
    description: Versions the package has
    type: number
product_group: package_registry
tiers:
- premium
- ultimate
)");
  EventDraft bare = publish_draft();
  bare.identifiers.clear();
  bare.properties.clear();
  CHECK(event_yaml(bare).find("identifiers") == std::string::npos);
  CHECK(event_yaml(bare).find("additional_properties") == std::string::npos);
}

TEST_CASE("a filtered metric has one events entry per value, in a file per time frame") {
  EventDraft draft = publish_draft();
  draft.metrics = parse_metric_choices("unique_users_28d:label=npm|16.0, total_all:version_count=2|2.5", draft);
  const auto files = draft_files(draft);
  REQUIRE(files.size() == 3);
  CHECK(files[0].path == "events/publish_package.yml");
  CHECK(files[1].path == "metrics/counts_28d/count_distinct_user_id_from_publish_package_label_npm_or_16_0_monthly.yml");
  CHECK(files[2].path == "metrics/counts_all/count_total_publish_package_version_count_2_or_2_5.yml");
  CHECK(files[1].text == R"(---
key_path: redis_hll_counters.count_distinct_user_id_from_publish_package_label_npm_or_16_0_monthly
description: Monthly count of unique users who triggered publish_package where label is npm or 16.0
product_group: package_registry
performance_indicator_type: []
value_type: number
status: active
time_frame: 28d
data_source: internal_events
data_category: optional
tiers:
- premium
- ultimate
events:
- name: publish_package
  unique: user.id
  filter:
    label: npm
- name: publish_package
  unique: user.id
  filter:
    label: "16.0"
)");
  CHECK(files[2].text.find("time_frame: all\n") != std::string::npos);
  CHECK(files[2].text.find("events:\n- name: publish_package\n  filter:\n    version_count: 2\n- name: publish_package\n  filter:\n    version_count: 2.5\n") !=
        std::string::npos);
}

TEST_CASE("strings are plain only where YAML reads them back as the same string") {
  CHECK(yaml_string("The package format (npm, maven, …)") == "The package format (npm, maven, …)");
  CHECK(yaml_string("package_registry") == "package_registry");
  CHECK(yaml_string("16.0") == "\"16.0\"");      // a float otherwise
  CHECK(yaml_string("yes") == "\"yes\"");        // a boolean to YAML 1.1
  CHECK(yaml_string("Null") == "\"Null\"");
  CHECK(yaml_string("a: b") == "\"a: b\"");      // a mapping otherwise
  CHECK(yaml_string("a #b") == "\"a #b\"");      // a comment otherwise
  CHECK(yaml_string("- item") == "\"- item\"");  // a list otherwise
  CHECK(yaml_string("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(yaml_string("two\nlines") == "\"two\\nlines\"");
  CHECK(yaml_string("trailing ") == "\"trailing \"");
  CHECK(yaml_string("") == "\"\"");
  CHECK(yaml_string("123") == "\"123\"");
}
