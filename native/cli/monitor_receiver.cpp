#include "native/cli/monitor_receiver.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ie::cli {

namespace {

// A silent stream is dead after this long: the receiver sends a keep-alive every 15 s.
constexpr std::chrono::seconds kStreamIdleTimeout{40};

// "GET /-/events answered 401: the api token …": the receiver's {"error": …} when it sent one.
std::runtime_error refusal(const ReceiverUrl& url, const std::string& route, int status, const std::string& body) {
  const nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
  std::string message = answer.is_object() && answer.contains("error") && answer["error"].is_string()
                            ? answer["error"].get<std::string>()
                            : body.substr(0, 200);
  return std::runtime_error("the receiver at " + url.text + " answered " + std::to_string(status) + " to GET " + route + ": " + message);
}

}  // namespace

MonitorReceiver::MonitorReceiver(ReceiverUrl url, std::optional<std::string> api_token, std::vector<std::string> events)
    : url_(std::move(url)), options_{std::move(api_token)}, events_(std::move(events)) {}

std::string MonitorReceiver::filter_query() const {
  if (events_.empty()) return {};
  std::string query = "?event=";
  for (std::size_t i = 0; i < events_.size(); ++i) query += (i ? "," : "") + events_[i];
  return query;
}

MetricsReading MonitorReceiver::read_metrics() const {
  const HttpAnswer answer = http_get(url_, "/-/monitor/metrics" + filter_query(), options_);
  if (answer.status != 200) throw refusal(url_, "/-/monitor/metrics", answer.status, answer.body);
  try {
    return metrics_reading_of(answer.body);
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error("the receiver at " + url_.text + " sent a metrics answer the monitor cannot read: " + error.what());
  }
}

std::unique_ptr<StreamingGet> MonitorReceiver::open_events() const {
  auto stream = std::make_unique<StreamingGet>(url_, "/-/events" + filter_query(), options_, kStreamIdleTimeout);
  if (stream->status() != 200) throw refusal(url_, "/-/events", stream->status(), stream->read_rest());
  return stream;
}

}  // namespace ie::cli
