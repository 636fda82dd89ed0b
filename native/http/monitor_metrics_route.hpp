#pragma once
// GET /-/monitor/metrics?event=a,b: what `internal-events monitor` shows in its metrics table,
// from the receiver's own definitions and store and on its own clock. Each metric that counts
// any of the events (all of them without `event=`), with the events it counts and its value
// through the current week (core/monitor_metrics.hpp):
//
//   {"week":"2026-49","metrics":[{"key_path":"counts.…","time_frame":"7d",
//                                 "events":["pull_package"],"value":3},…]}
//
// An event no definition has is 404, with the nearest name; the api token is needed as for the
// other reads.
#include "native/http/access.hpp"
#include "native/http/message.hpp"
#include "native/http/target.hpp"
#include "native/tracker.hpp"

namespace ie::http {

class MonitorMetricsRoute {
 public:
  MonitorMetricsRoute(Tracker& tracker, const Access& access) : tracker_(tracker), access_(access) {}

  Response answer(const Request& request, const Target& target) const;

 private:
  Tracker& tracker_;
  const Access& access_;
};

}  // namespace ie::http
