#include "core/definition_draft.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "core/number_text.hpp"

namespace ie {

namespace {

[[noreturn]] void refuse(const std::string& message) { throw std::invalid_argument(message); }

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Trimmed, empty items dropped: "a, b,,c " is a, b, c.
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(separator, start), text.size());
    if (auto item = trimmed(text.substr(start, end - start)); !item.empty()) items.push_back(std::move(item));
    start = end + 1;
  }
  return items;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

// Integers stay integers (a filter `value: 3` reads as GitLab wrote it); anything else must be a
// JSON number, the grammar parse_double takes.
std::optional<Scalar> number_from(const std::string& text) {
  std::int64_t integer = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (error == std::errc() && end == text.data() + text.size()) return integer;
  static const std::regex json_number(R"(^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$)");
  if (!std::regex_match(text, json_number)) return std::nullopt;
  return parse_double(text);
}

Scalar filter_value(const PropertyDraft& property, const std::string& text) {
  switch (property.type) {
    case PropertyType::number:
      if (auto number = number_from(text)) return *number;
      refuse(property.name + " is a number, so '" + text + "' cannot be one of its values");
    case PropertyType::boolean:
      if (text == "true" || text == "false") return text == "true";
      refuse(property.name + " is true or false, so '" + text + "' cannot be one of its values");
    case PropertyType::string:
    case PropertyType::any: return text;
  }
  return text;
}

struct CountInfo {
  MetricCount count;
  const char* name;        // in a choice's name: unique_users_7d
  const char* unique;      // the metric's events[].unique, nullptr for a total
  const char* needs;       // the identifier or property it counts
};

constexpr CountInfo kCounts[] = {
    {MetricCount::unique_users, "unique_users", "user.id", "user"},
    {MetricCount::unique_projects, "unique_projects", "project.id", "project"},
    {MetricCount::unique_namespaces, "unique_namespaces", "namespace.id", "namespace"},
    {MetricCount::total, "total", nullptr, nullptr},
    {MetricCount::unique_labels, "unique_labels", "label", "label"},
    {MetricCount::unique_properties, "unique_properties", "property", "property"},
    {MetricCount::unique_values, "unique_values", "value", "value"},
};

const CountInfo& info(MetricCount count) {
  for (const auto& entry : kCounts) {
    if (entry.count == count) return entry;
  }
  return kCounts[3];
}

bool can_count(const EventDraft& draft, const CountInfo& count) {
  if (!count.needs) return true;
  const auto& ids = draft.identifiers;
  return std::find(ids.begin(), ids.end(), count.needs) != ids.end() || draft.find_property(count.needs);
}

// The part of a key path a filter adds: label_rubygems_or_npm. Values become [a-z0-9_].
std::string filter_key_part(const MetricFilter& filter) {
  std::vector<std::string> values;
  for (const auto& value : filter.values) {
    std::string part;
    for (char c : scalar_text(value)) {
      const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      const bool kept = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
      if (kept) part += lower;
      else if (!part.empty() && part.back() != '_') part += '_';
    }
    while (!part.empty() && part.back() == '_') part.pop_back();
    values.push_back(part.empty() ? "other" : part);
  }
  return filter.property + "_" + joined(values, "_or_");
}

MetricFilter parse_filter(const std::string& text, const EventDraft& draft, const CountInfo& count) {
  const auto equals = text.find('=');
  if (equals == std::string::npos) refuse("a filter is PROPERTY=VALUE|VALUE…, not '" + text + "'");
  MetricFilter filter{.property = trimmed(text.substr(0, equals)), .values = {}};
  const PropertyDraft* property = draft.find_property(filter.property);
  if (!property) refuse("the filter names '" + filter.property + "', which is not one of the event's properties");
  if (count.unique && filter.property == count.unique) refuse("a metric of unique " + filter.property + "s cannot also filter on it");
  for (const auto& value : split(text.substr(equals + 1), '|')) {
    Scalar parsed = filter_value(*property, value);
    const bool seen = std::any_of(filter.values.begin(), filter.values.end(), [&](const Scalar& v) { return scalar_equal(v, parsed); });
    if (!seen) filter.values.push_back(std::move(parsed));
  }
  if (filter.values.empty()) refuse("the filter on " + filter.property + " has no values");
  return filter;
}

std::string value_list(const MetricFilter& filter) {
  std::vector<std::string> values;
  for (const auto& value : filter.values) values.push_back(scalar_text(value));
  return joined(values, " or ");
}

}  // namespace

const PropertyDraft* EventDraft::find_property(const std::string& name) const {
  for (const auto& property : properties) {
    if (property.name == name) return &property;
  }
  return nullptr;
}

std::string parse_description_answer(const std::string& text) {
  std::string description = trimmed(text);
  if (description.empty()) refuse("the description is required: say what the event tracks");
  if (description.find('\n') != std::string::npos) refuse("the description must be one line");
  return description;
}

std::string parse_action_answer(const std::string& text) {
  std::string action = trimmed(text);
  if (!is_definition_name(action)) refuse("the event name '" + action + "' must match ^[a-z0-9_]+$ (lowercase letters, digits, underscores)");
  return action;
}

std::optional<std::string> action_taken(const std::string& action, const Definitions& existing) {
  const EventDefinition* defined = existing.find_event(action);
  if (!defined) return std::nullopt;
  return "the event '" + action + "' is already defined in " + defined->source;
}

std::vector<std::string> parse_identifiers_answer(const std::string& text) {
  // GitLab's generator lists them in this order.
  static const std::vector<std::string> order = {"project", "namespace", "user"};
  std::set<std::string> given;
  for (const auto& item : split(trimmed(text) == "none" ? "" : text, ',')) {
    if (std::find(order.begin(), order.end(), item) == order.end()) {
      refuse("'" + item + "' is not an identifier: they are user, project and namespace");
    }
    given.insert(item);
  }
  std::vector<std::string> identifiers;
  for (const auto& name : order) {
    if (given.count(name)) identifiers.push_back(name);
  }
  return identifiers;
}

PropertyDraft parse_custom_property_answer(const std::string& text) {
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? first : text.find(':', first + 1);
  if (second == std::string::npos) refuse("a custom property is NAME:TYPE:DESCRIPTION, not '" + text + "'");
  PropertyDraft property{.name = trimmed(text.substr(0, first)), .type = PropertyType::any,
                         .description = trimmed(text.substr(second + 1)), .required = false};
  if (!is_definition_name(property.name)) refuse("the property name '" + property.name + "' must match ^[a-z0-9_]+$");
  if (is_base_property(property.name)) refuse(property.name + " is not a custom property: it has its own question");
  const auto type = parse_property_type(trimmed(text.substr(first + 1, second - first - 1)));
  if (!type) refuse("the type of " + property.name + " must be string, number or boolean");
  property.type = *type;
  if (property.description.empty()) refuse("the property " + property.name + " needs a description");
  return property;
}

std::vector<std::string> parse_required_answer(const std::string& text, const EventDraft& draft) {
  std::vector<std::string> names;
  for (const auto& name : split(trimmed(text) == "none" ? "" : text, ',')) {
    if (!draft.find_property(name)) refuse("'" + name + "' is not one of the event's properties");
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

std::string parse_product_group_answer(const std::string& text) {
  std::string group = trimmed(text);
  if (!is_definition_name(group)) refuse("the product group '" + group + "' must match ^[a-z0-9_]+$ (e.g. package_registry)");
  return group;
}

std::vector<std::string> parse_tiers_answer(const std::string& text) {
  static const std::vector<std::vector<std::string>> allowed = {{"free", "premium", "ultimate"}, {"premium", "ultimate"}, {"ultimate"}};
  std::vector<std::string> given = split(text, ',');
  std::sort(given.begin(), given.end());
  given.erase(std::unique(given.begin(), given.end()), given.end());
  for (const auto& tiers : allowed) {
    std::vector<std::string> sorted = tiers;
    std::sort(sorted.begin(), sorted.end());
    if (sorted == given) return tiers;
  }
  refuse("the tiers must be free,premium,ultimate or premium,ultimate or ultimate, not '" + trimmed(text) + "'");
}

std::vector<MetricChoice> metric_options(const EventDraft& draft) {
  std::vector<MetricChoice> options;
  for (const auto& count : kCounts) {
    if (!can_count(draft, count)) continue;
    options.push_back({count.count, TimeFrame::seven_days, std::nullopt});
    options.push_back({count.count, TimeFrame::twenty_eight_days, std::nullopt});
    // Unique counts need a week's keys to union; GitLab offers no all-time one either.
    if (!count.unique) options.push_back({count.count, TimeFrame::all, std::nullopt});
  }
  return options;
}

std::string metric_choice_name(const MetricChoice& choice) {
  return std::string(info(choice.count).name) + "_" + time_frame_name(choice.time_frame);
}

MetricChoice parse_metric_choice(const std::string& text, const EventDraft& draft) {
  const auto colon = text.find(':');
  const std::string name = trimmed(text.substr(0, colon));
  const auto options = metric_options(draft);
  std::optional<MetricChoice> choice;
  std::size_t number = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (error == std::errc() && end == name.data() + name.size() && number >= 1 && number <= options.size()) {
    choice = options[number - 1];
  }
  for (const auto& option : options) {
    if (metric_choice_name(option) == name) choice = option;
  }
  if (!choice) {
    std::vector<std::string> names;
    for (const auto& option : options) names.push_back(metric_choice_name(option));
    refuse("'" + name + "' is not a metric this event can have: " + joined(names, ", "));
  }
  if (colon != std::string::npos) choice->filter = parse_filter(text.substr(colon + 1), draft, info(choice->count));
  return *choice;
}

std::vector<MetricChoice> parse_metric_choices(const std::string& text, const EventDraft& draft) {
  std::vector<MetricChoice> choices;
  if (trimmed(text) == "none") return choices;
  for (const auto& item : split(text, ',')) choices.push_back(parse_metric_choice(item, draft));
  return choices;
}

std::string metric_file_name(const std::string& action, const MetricChoice& choice) {
  const CountInfo& count = info(choice.count);
  std::string unique = count.unique ? count.unique : "";
  std::replace(unique.begin(), unique.end(), '.', '_');
  std::string key = "count_" + (count.unique ? "distinct_" + unique + "_from" : std::string("total")) + "_" + action;
  if (choice.filter) key += "_" + filter_key_part(*choice.filter);
  if (choice.time_frame == TimeFrame::seven_days) key += "_weekly";
  if (choice.time_frame == TimeFrame::twenty_eight_days) key += "_monthly";
  return key + ".yml";
}

std::string metric_key_path(const std::string& action, const MetricChoice& choice) {
  const std::string file = metric_file_name(action, choice);
  return (info(choice.count).unique ? "redis_hll_counters." : "counts.") + file.substr(0, file.size() - 4);
}

std::string metric_description(const std::string& action, const MetricChoice& choice) {
  static const std::map<TimeFrame, std::string> frames = {
      {TimeFrame::seven_days, "Weekly"}, {TimeFrame::twenty_eight_days, "Monthly"}, {TimeFrame::all, "Total"}};
  std::string text = frames.at(choice.time_frame) + " count of ";
  const CountInfo& count = info(choice.count);
  if (!count.unique) text += action + " occurrences";
  else if (choice.count == MetricCount::unique_users) text += "unique users who triggered " + action;
  else if (choice.count == MetricCount::unique_projects || choice.count == MetricCount::unique_namespaces) {
    text += "unique " + std::string(count.needs) + "s where " + action + " occurred";
  } else {
    text += "unique values for '" + std::string(count.needs) + "' from " + action + " occurrences";
  }
  if (choice.filter) text += " where " + choice.filter->property + " is " + value_list(*choice.filter);
  return text;
}

std::vector<std::string> draft_problems(const EventDraft& draft, const Definitions& existing) {
  std::vector<std::string> problems;
  std::map<std::string, std::string> chosen;  // key path → the choice that made it
  for (const auto& choice : draft.metrics) {
    const std::string key_path = metric_key_path(draft.action, choice);
    const std::string name = metric_choice_name(choice);
    if (const auto earlier = chosen.find(key_path); earlier != chosen.end()) {
      problems.push_back("the metrics " + earlier->second + " and " + name + " would both be " + key_path);
    } else if (const MetricDefinition* defined = existing.find_metric(key_path)) {
      problems.push_back("the metric " + key_path + " is already defined in " + defined->source);
    }
    chosen.emplace(key_path, name);
  }
  return problems;
}

EventDefinition draft_event_definition(const EventDraft& draft) {
  EventDefinition event;
  event.action = draft.action;
  event.description = draft.description;
  event.identifiers = draft.identifiers;
  for (const auto& property : draft.properties) {
    event.additional_properties.push_back(property.name);
    event.properties[property.name] = {property.description, property.type, property.required};
  }
  event.source = "events/" + draft.action + ".yml";
  return event;
}

}  // namespace ie
