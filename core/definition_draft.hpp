#pragma once
// A new event and the metrics to create for it, as `internal-events definitions new` asks for them
// (the questions of GitLab's generator, scripts/internal_events/cli.rb): the answers, read from
// the text a user types or passes as a flag, their checks, and the names GitLab's generator gives
// the metrics (redis_hll_counters.count_distinct_user_id_from_EVENT_weekly, counts.count_total_EVENT).
// Every answer that cannot be used throws std::invalid_argument with one line saying why, which
// the command shows as it asks again, or as its error. The files' text is draft_yaml.hpp's.
#include <optional>
#include <string>
#include <vector>

#include "core/definitions.hpp"
#include "core/scalar.hpp"

namespace ie {

struct PropertyDraft {
  std::string name;  // label, property, value, or a custom name
  PropertyType type = PropertyType::any;
  std::string description;
  bool required = false;
};

// What a metric counts, in the order GitLab's generator offers them.
enum class MetricCount { unique_users, unique_projects, unique_namespaces, total, unique_labels, unique_properties, unique_values };

// "where PROPERTY equals any of VALUES": the metric gets one events entry per value.
struct MetricFilter {
  std::string property;
  std::vector<Scalar> values;
};

struct MetricChoice {
  MetricCount count = MetricCount::total;
  TimeFrame time_frame = TimeFrame::all;
  std::optional<MetricFilter> filter;
};

struct EventDraft {
  std::string action;
  std::string description;
  std::vector<std::string> identifiers;  // of project, namespace, user, in GitLab's order
  std::vector<PropertyDraft> properties;  // label, property, value first, then custom ones
  std::string product_group;
  std::vector<std::string> tiers;  // free, premium, ultimate: all three, the paid two or ultimate
  std::vector<MetricChoice> metrics;

  const PropertyDraft* find_property(const std::string& name) const;
};

// The answers, one parser each. A list answer may be "none" (or empty) for nothing.
std::string parse_description_answer(const std::string& text);
std::string parse_action_answer(const std::string& text);  // ^[a-z0-9_]+$
// Why the action cannot be a new event: `existing` defines it already (in the file it names).
std::optional<std::string> action_taken(const std::string& action, const Definitions& existing);
std::vector<std::string> parse_identifiers_answer(const std::string& text);  // "user,project"
PropertyDraft parse_custom_property_answer(const std::string& text);         // NAME:TYPE:DESCRIPTION
// Names among the draft's properties ("label,package_version_count") that every call must carry.
std::vector<std::string> parse_required_answer(const std::string& text, const EventDraft& draft);
std::string parse_product_group_answer(const std::string& text);
std::vector<std::string> parse_tiers_answer(const std::string& text);

// The metrics the draft's identifiers and properties allow, by name, as the menu lists them.
std::vector<MetricChoice> metric_options(const EventDraft& draft);
// "unique_users_7d", "total_all", "unique_labels_28d" (without its filter).
std::string metric_choice_name(const MetricChoice& choice);
// One choice: a name of metric_options (or its number there, from 1), then optionally
// ":PROPERTY=V1|V2…", e.g. "unique_users_7d:label=rubygems|npm". Values are read as the
// property's type says.
MetricChoice parse_metric_choice(const std::string& text, const EventDraft& draft);
// A comma-separated list of choices, or "none".
std::vector<MetricChoice> parse_metric_choices(const std::string& text, const EventDraft& draft);

// GitLab's generator's names: the key path, and the file's name in metrics/counts_7d|28d|all/.
std::string metric_key_path(const std::string& action, const MetricChoice& choice);
std::string metric_file_name(const std::string& action, const MetricChoice& choice);  // KEY.yml
// "Weekly count of unique users who triggered pull_package where label is rubygems or npm".
std::string metric_description(const std::string& action, const MetricChoice& choice);

// What cannot be written as a whole: two choices with one key path, or one that `existing`
// defines already. Empty when the draft can be written.
std::vector<std::string> draft_problems(const EventDraft& draft, const Definitions& existing);

// The event as the definitions will hold it once written (for the usage snippets and the types).
EventDefinition draft_event_definition(const EventDraft& draft);

}  // namespace ie
