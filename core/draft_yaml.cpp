#include "core/draft_yaml.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "core/number_text.hpp"

namespace ie {

namespace {

// Plain scalars that a YAML 1.1 reader (GitLab's Psych) or a 1.2 one (yaml-cpp) would take for
// something other than a string.
bool is_reserved_word(std::string lower) {
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  static const std::set<std::string> words = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"};
  return words.count(lower) > 0;
}

// A letter first, then only characters that mean nothing to YAML in a plain scalar; bytes of
// UTF-8 sequences (…, é) are letters here.
bool is_plain_safe(const std::string& text) {
  if (text.empty() || is_reserved_word(text)) return false;
  const auto is_letter = [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; };
  if (!is_letter(static_cast<unsigned char>(text.front()))) return false;
  if (text.back() == ' ') return false;
  for (unsigned char c : text) {
    const bool safe = is_letter(c) || (c >= '0' && c <= '9') || c == ' ' || c == '_' || c == '-' || c == '.' || c == ',' ||
                      c == '(' || c == ')' || c == '/' || c == '+' || c == '=' || c == ';' || c == '?' || c == '\'';
    if (!safe) return false;
  }
  return true;
}

std::string yaml_scalar(const Scalar& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return yaml_string(*text);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&value)) {
    // A float keeps its point, so that it reads back as a float: 3.0, not 3.
    const std::string text = double_text(*number);
    return text.find_first_of(".e") == std::string::npos ? text + ".0" : text;
  }
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  return "null";
}

std::string list(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += "- " + yaml_string(item) + "\n";
  return text;
}

std::string properties_yaml(const std::vector<PropertyDraft>& properties) {
  std::string text = "additional_properties:\n";
  for (const auto& property : properties) {
    text += "  " + yaml_string(property.name) + ":\n    description: " + yaml_string(property.description) + "\n";
    // label, property and value have their types by GitLab's rule: writing it would only repeat it.
    if (!is_base_property(property.name)) {
      text += "    type: " + std::string(property_type_name(property.type)) + "\n";
    }
    if (property.required) text += "    required: true\n";
  }
  return text;
}

const char* counts_folder(TimeFrame frame) {
  switch (frame) {
    case TimeFrame::seven_days: return "counts_7d";
    case TimeFrame::twenty_eight_days: return "counts_28d";
    case TimeFrame::all: return "counts_all";
  }
  return "counts_all";
}

std::string unique_of(MetricCount count) {
  switch (count) {
    case MetricCount::unique_users: return "user.id";
    case MetricCount::unique_projects: return "project.id";
    case MetricCount::unique_namespaces: return "namespace.id";
    case MetricCount::unique_labels: return "label";
    case MetricCount::unique_properties: return "property";
    case MetricCount::unique_values: return "value";
    case MetricCount::total: return "";
  }
  return "";
}

// One entry per filter value: the metric counts the event when any of them matches.
std::string metric_events_yaml(const std::string& action, const MetricChoice& choice) {
  const std::string unique = unique_of(choice.count);
  const std::string entry = "- name: " + yaml_string(action) + "\n" + (unique.empty() ? "" : "  unique: " + unique + "\n");
  if (!choice.filter) return "events:\n" + entry;
  std::string text = "events:\n";
  for (const auto& value : choice.filter->values) {
    text += entry + "  filter:\n    " + yaml_string(choice.filter->property) + ": " + yaml_scalar(value) + "\n";
  }
  return text;
}

}  // namespace

std::string yaml_string(const std::string& text) {
  if (is_plain_safe(text)) return text;
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string event_yaml(const EventDraft& draft) {
  std::string text = "---\ndescription: " + yaml_string(draft.description) + "\ninternal_events: true\nstatus: active\n";
  text += "action: " + yaml_string(draft.action) + "\n";
  if (!draft.identifiers.empty()) text += "identifiers:\n" + list(draft.identifiers);
  if (!draft.properties.empty()) text += properties_yaml(draft.properties);
  text += "product_group: " + yaml_string(draft.product_group) + "\n";
  text += "tiers:\n" + list(draft.tiers);
  return text;
}

std::string metric_yaml(const EventDraft& draft, const MetricChoice& choice) {
  std::string text = "---\nkey_path: " + metric_key_path(draft.action, choice) + "\n";
  text += "description: " + yaml_string(metric_description(draft.action, choice)) + "\n";
  text += "product_group: " + yaml_string(draft.product_group) + "\n";
  text += "performance_indicator_type: []\nvalue_type: number\nstatus: active\n";
  text += "time_frame: " + std::string(time_frame_name(choice.time_frame)) + "\n";
  text += "data_source: internal_events\ndata_category: optional\n";
  text += "tiers:\n" + list(draft.tiers);
  return text + metric_events_yaml(draft.action, choice);
}

std::vector<DraftFile> draft_files(const EventDraft& draft) {
  std::vector<DraftFile> files = {{"events/" + draft.action + ".yml", event_yaml(draft)}};
  for (const auto& choice : draft.metrics) {
    files.push_back({"metrics/" + std::string(counts_folder(choice.time_frame)) + "/" + metric_file_name(draft.action, choice),
                     metric_yaml(draft, choice)});
  }
  return files;
}

}  // namespace ie
