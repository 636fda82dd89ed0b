#include "native/http/monitor_metrics_route.hpp"

#include "core/live_event.hpp"
#include "core/monitor_metrics.hpp"
#include "core/suggestion.hpp"
#include "native/http/responses.hpp"
#include "native/metric_reader.hpp"

namespace ie::http {

namespace {

std::vector<std::string> event_names(const Definitions& definitions) {
  std::vector<std::string> names;
  for (const auto& [name, event] : definitions.events) names.push_back(name);
  return names;
}

void refuse_undefined(const Definitions& definitions, const std::vector<std::string>& events) {
  const auto unknown = undefined_events(definitions, events);
  if (unknown.empty()) return;
  std::string message = "unknown event '" + unknown.front() + "'";
  if (const auto nearest = closest_known(unknown.front(), event_names(definitions))) message += "; did you mean '" + *nearest + "'?";
  throw HttpError(bhttp::status::not_found, message);
}

}  // namespace

Response MonitorMetricsRoute::answer(const Request& request, const Target& target) const {
  access_.require_reader(request);
  const Definitions& definitions = tracker_.definitions();
  const std::vector<std::string> events = event_filter_of(target.param("event").value_or(""));
  refuse_undefined(definitions, events);
  const std::int64_t now_ms = tracker_.now_ms();
  const Date today = utc_date(now_ms);
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricDefinition* metric : metrics_counting(definitions, events)) {
    const MetricRead read = monitor_read(*metric, today);
    const double value = read.kind == CounterKind::unique ? static_cast<double>(tracker_.store().count_unique(read.keys, now_ms))
                                                          : tracker_.store().sum(read.keys, now_ms);
    metrics.push_back({{"key_path", metric->key_path},
                       {"time_frame", time_frame_name(metric->time_frame)},
                       {"events", events_counted_by(*metric)},
                       {"value", number_json(value)}});
  }
  return json_response(request, bhttp::status::ok, {{"week", week_suffix(iso_week_of(today))}, {"metrics", metrics}});
}

}  // namespace ie::http
