#pragma once
// Which metrics `internal-events monitor` shows, and how it reads them, so that a click shows at
// once. A 7d or 28d metric normally reads complete weeks only (core/counter_reads.hpp), which
// would leave this week's events out until Monday; the monitor reads its complete weeks and the
// current one too, as GitLab's monitor does when it extends their time frames' end by a week.
// An `all` metric already includes today. The receiver answers this at GET /-/monitor/metrics.
#include <string>
#include <vector>

#include "core/counter_reads.hpp"
#include "core/definitions.hpp"

namespace ie {

// The metrics that count any of `events` (every metric when `events` is empty), in definition order.
std::vector<const MetricDefinition*> metrics_counting(const Definitions& definitions, const std::vector<std::string>& events);

// The metric's own read, plus the current week's keys for a weekly time frame.
MetricRead monitor_read(const MetricDefinition& metric, const Date& today);

// The names of the metric's events, each once, in its order.
std::vector<std::string> events_counted_by(const MetricDefinition& metric);

// The names in `events` that no definition has, in their order.
std::vector<std::string> undefined_events(const Definitions& definitions, const std::vector<std::string>& events);

}  // namespace ie
