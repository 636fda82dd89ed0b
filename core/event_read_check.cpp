#include "core/event_read_check.hpp"

#include <algorithm>
#include <set>

namespace ie {

namespace {

bool names_event(const MetricDefinition& metric, const std::string& action) {
  return std::any_of(metric.events.begin(), metric.events.end(), [&](const MetricEvent& entry) { return entry.name == action; });
}

// A 7d or 28d metric writes weekly keys, an `all` metric the all-time key.
bool writes_keys_for(TimeFrame frame, ReadWindow window) { return (frame == TimeFrame::all) == (window == ReadWindow::all); }

bool counts_unique(const MetricDefinition& metric, const std::string& action, const std::string& unique, ReadWindow window) {
  if (!writes_keys_for(metric.time_frame, window)) return false;
  return std::any_of(metric.events.begin(), metric.events.end(), [&](const MetricEvent& entry) {
    return entry.name == action && entry.unique == unique && entry.filter.empty() && !entry.operator_;
  });
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

std::vector<std::string> allowed_uniques(const Definitions& definitions, const EventDefinition& event) {
  std::set<std::string> allowed;
  for (const auto& identifier : event.identifiers) allowed.insert(identifier + ".id");
  allowed.insert(event.additional_properties.begin(), event.additional_properties.end());
  for (const auto& metric : definitions.metrics) {
    for (const auto& entry : metric.events) {
      if (entry.name == event.action && entry.unique) allowed.insert(*entry.unique);
    }
  }
  return {allowed.begin(), allowed.end()};
}

std::optional<ReadRefusal> refuse_event_read(const Definitions& definitions, const EventDefinition& event,
                                             const std::optional<std::string>& unique, ReadWindow window) {
  if (!unique) return std::nullopt;
  const std::vector<std::string> allowed = allowed_uniques(definitions, event);
  if (std::find(allowed.begin(), allowed.end(), *unique) == allowed.end()) {
    const std::string choices = allowed.empty() ? "it has no identifiers or properties" : "use one of " + joined(allowed);
    return ReadRefusal{ReadRefusal::Reason::unknown_unique,
                       "unique=" + *unique + " is not an identifier or property of '" + event.action + "': " + choices};
  }
  std::vector<std::string> metrics_of_event;
  for (const auto& metric : definitions.metrics) {
    if (counts_unique(metric, event.action, *unique, window)) return std::nullopt;
    if (names_event(metric, event.action)) metrics_of_event.push_back(metric.key_path);
  }
  const std::string span = window == ReadWindow::all ? "all time" : "weekly";
  const std::string existing = metrics_of_event.empty() ? "it has no metrics" : "its metrics are " + joined(metrics_of_event);
  return ReadRefusal{ReadRefusal::Reason::not_counted, "no metric counts unique " + *unique + " of '" + event.action +
                                                           "' (" + span + "): " + existing};
}

}  // namespace ie
