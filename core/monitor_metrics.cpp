#include "core/monitor_metrics.hpp"

#include <algorithm>

namespace ie {

namespace {

bool counts_any(const MetricDefinition& metric, const std::vector<std::string>& events) {
  return std::any_of(metric.events.begin(), metric.events.end(), [&](const MetricEvent& entry) {
    return std::find(events.begin(), events.end(), entry.name) != events.end();
  });
}

}  // namespace

std::vector<const MetricDefinition*> metrics_counting(const Definitions& definitions, const std::vector<std::string>& events) {
  std::vector<const MetricDefinition*> metrics;
  for (const auto& metric : definitions.metrics) {
    if (events.empty() || counts_any(metric, events)) metrics.push_back(&metric);
  }
  return metrics;
}

MetricRead monitor_read(const MetricDefinition& metric, const Date& today) {
  MetricRead read = metric_read(metric, today);
  if (metric.time_frame == TimeFrame::all) return read;
  for (const auto& entry : metric.events) {
    read.keys.push_back(rule_for(entry, metric.time_frame).key(iso_week_of(today)));
  }
  return read;
}

std::vector<std::string> events_counted_by(const MetricDefinition& metric) {
  std::vector<std::string> names;
  for (const auto& entry : metric.events) {
    if (std::find(names.begin(), names.end(), entry.name) == names.end()) names.push_back(entry.name);
  }
  return names;
}

std::vector<std::string> undefined_events(const Definitions& definitions, const std::vector<std::string>& events) {
  std::vector<std::string> unknown;
  for (const auto& name : events) {
    if (!definitions.find_event(name)) unknown.push_back(name);
  }
  return unknown;
}

}  // namespace ie
