#include "core/counter_reads.hpp"

namespace ie {

std::optional<ReadWindow> parse_read_window(const std::string& text) {
  if (text == "7d") return ReadWindow::seven_days;
  if (text == "28d") return ReadWindow::twenty_eight_days;
  if (text == "all") return ReadWindow::all;
  if (text == "current_week") return ReadWindow::current_week;
  return std::nullopt;
}

ReadWindow window_of(TimeFrame frame) {
  switch (frame) {
    case TimeFrame::seven_days: return ReadWindow::seven_days;
    case TimeFrame::twenty_eight_days: return ReadWindow::twenty_eight_days;
    case TimeFrame::all: return ReadWindow::all;
  }
  return ReadWindow::all;
}

std::vector<std::string> keys_to_read(const CounterRule& rule, ReadWindow window, const Date& today) {
  const IsoWeek this_week = iso_week_of(today);
  switch (window) {
    case ReadWindow::all: return {rule.key(std::nullopt)};
    case ReadWindow::current_week: return {rule.key(this_week)};
    case ReadWindow::seven_days: return {rule.key(week_before(this_week))};
    case ReadWindow::twenty_eight_days: {
      std::vector<std::string> keys;
      for (int back = 1; back <= 4; ++back) keys.push_back(rule.key(week_before(this_week, back)));
      return keys;
    }
  }
  return {};
}

MetricRead metric_read(const MetricDefinition& metric, const Date& today) {
  MetricRead read;
  for (const auto& entry : metric.events) {
    const CounterRule rule = rule_for(entry, metric.time_frame);
    read.kind = rule.kind;
    for (auto& key : keys_to_read(rule, window_of(metric.time_frame), today)) read.keys.push_back(std::move(key));
  }
  return read;
}

}  // namespace ie
