#pragma once
// Which keys a metric reads on a given day. 7d is the last complete ISO week before the date,
// 28d the last four complete weeks, all the all-time key, and current_week (for dashboards) the
// partial week that holds the date. A unique metric is the cardinality of the union of its keys;
// a total or sum metric is their sum.
#include <optional>
#include <string>
#include <vector>

#include "core/counter_rules.hpp"

namespace ie {

enum class ReadWindow { seven_days, twenty_eight_days, all, current_week };

std::optional<ReadWindow> parse_read_window(const std::string& text);  // 7d, 28d, all, current_week
ReadWindow window_of(TimeFrame frame);

std::vector<std::string> keys_to_read(const CounterRule& rule, ReadWindow window, const Date& today);

struct MetricRead {
  CounterKind kind = CounterKind::total;
  std::vector<std::string> keys;
};

MetricRead metric_read(const MetricDefinition& metric, const Date& today);

}  // namespace ie
