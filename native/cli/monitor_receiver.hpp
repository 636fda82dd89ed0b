#pragma once
// The receiver as `internal-events monitor` talks to it: its metrics table from
// GET /-/monitor/metrics and its events from GET /-/events, both filtered to the events asked
// for and with the api token when one is given. A refusal (401, 404) is an error with the
// receiver's own message; no answer at all is ReceiverUnreachable.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/monitor_view.hpp"
#include "native/cli/http_client.hpp"

namespace ie::cli {

class MonitorReceiver {
 public:
  MonitorReceiver(ReceiverUrl url, std::optional<std::string> api_token, std::vector<std::string> events);

  MetricsReading read_metrics() const;
  // Open, its head read and 200.
  std::unique_ptr<StreamingGet> open_events() const;

  const ReceiverUrl& url() const { return url_; }

 private:
  std::string filter_query() const;  // "?event=a,b", or "" for every event

  ReceiverUrl url_;
  RequestOptions options_;
  std::vector<std::string> events_;
};

}  // namespace ie::cli
