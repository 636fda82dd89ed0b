#include "native/metric_reader.hpp"

#include <cmath>

namespace ie {

nlohmann::json number_json(double value) {
  if (std::trunc(value) == value && std::fabs(value) < 9e15) return static_cast<std::int64_t>(value);
  return value;
}

double MetricReader::read(const MetricRead& read, std::int64_t now_ms) {
  if (read.kind == CounterKind::unique) return static_cast<double>(store_.count_unique(read.keys, now_ms));
  return store_.sum(read.keys, now_ms);
}

double MetricReader::metric_value(const MetricDefinition& metric, const Date& today, std::int64_t now_ms) {
  return read(metric_read(metric, today), now_ms);
}

std::optional<double> MetricReader::value_of(const std::string& key_path, const Date& today, std::int64_t now_ms) {
  const MetricDefinition* metric = definitions_.find_metric(key_path);
  if (!metric) return std::nullopt;
  return metric_value(*metric, today, now_ms);
}

double MetricReader::event_value(const std::string& event, const std::optional<std::string>& unique, ReadWindow window,
                                 const Date& today, std::int64_t now_ms) {
  CounterRule rule;
  rule.event = event;
  rule.kind = unique ? CounterKind::unique : CounterKind::total;
  rule.unique = unique.value_or("");
  rule.period = window == ReadWindow::all ? CounterPeriod::all_time : CounterPeriod::weekly;
  return read(MetricRead{rule.kind, keys_to_read(rule, window, today)}, now_ms);
}

nlohmann::json MetricReader::service_ping(const Date& today, std::int64_t now_ms) {
  nlohmann::json report = nlohmann::json::object();
  for (const auto& metric : definitions_.metrics) {
    nlohmann::json::json_pointer pointer;
    std::size_t start = 0;
    for (std::size_t dot; (dot = metric.key_path.find('.', start)) != std::string::npos; start = dot + 1) {
      pointer /= metric.key_path.substr(start, dot - start);
    }
    pointer /= metric.key_path.substr(start);
    report[pointer] = number_json(metric_value(metric, today, now_ms));
  }
  return report;
}

}  // namespace ie
