#include "native/http/prometheus.hpp"

#include <algorithm>
#include <sstream>

namespace ie::http {

namespace {

const std::vector<double> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
const std::vector<double> kBatchBuckets = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000};

std::string number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// Label values are request paths and error kinds: escape what the format reserves.
std::string label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, const std::string& name, const char* type, const char* help) {
  out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

std::string joined(const std::string& labels, const std::string& extra) { return labels.empty() ? extra : labels + ',' + extra; }

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), counts_(upper_bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  const auto bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin();
  ++counts_[static_cast<std::size_t>(bucket)];
  sum_ += value;
  ++count_;
}

void Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < upper_bounds_.size() ? number(upper_bounds_[i]) : "+Inf";
    out += name + "_bucket{" + joined(labels, "le=\"" + le + "\"") + "} " + std::to_string(cumulative) + '\n';
  }
  const std::string braces = labels.empty() ? "" : '{' + labels + '}';
  out += name + "_sum" + braces + ' ' + number(sum_) + '\n';
  out += name + "_count" + braces + ' ' + std::to_string(count_) + '\n';
}

ReceiverMetrics::ReceiverMetrics() : commit_seconds_(kLatencyBuckets), batch_size_(kBatchBuckets) {}

void ReceiverMetrics::request_answered(std::string_view route, unsigned status, double seconds) {
  const std::lock_guard lock(mutex_);
  auto statuses = requests_.find(route);
  if (statuses == requests_.end()) statuses = requests_.emplace(std::string(route), std::map<unsigned, std::uint64_t>{}).first;
  ++statuses->second[status];
  auto latency = latency_.find(route);
  if (latency == latency_.end()) latency = latency_.emplace(std::string(route), kLatencyBuckets).first;
  latency->second.observe(seconds);
}

void ReceiverMetrics::batch_received(std::size_t events) {
  const std::lock_guard lock(mutex_);
  batch_size_.observe(static_cast<double>(events));
}

void ReceiverMetrics::store_committed(double seconds) {
  const std::lock_guard lock(mutex_);
  commit_seconds_.observe(seconds);
}

void ReceiverMetrics::events_counted(std::size_t accepted, const std::vector<std::string>& rejection_reasons) {
  const std::lock_guard lock(mutex_);
  accepted_ += accepted;
  for (const auto& reason : rejection_reasons) ++rejected_[reason];
}

std::string ReceiverMetrics::exposition() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  header(out, "internal_events_events_accepted_total", "counter", "Events counted, duplicates of counted events included.");
  out += "internal_events_events_accepted_total " + std::to_string(accepted_) + '\n';
  header(out, "internal_events_events_rejected_total", "counter", "Events refused, by reason.");
  for (const auto& [reason, count] : rejected_) {
    out += "internal_events_events_rejected_total{reason=\"" + label_value(reason) + "\"} " + std::to_string(count) + '\n';
  }
  header(out, "internal_events_http_requests_total", "counter", "Requests answered, by route and status.");
  for (const auto& [route, statuses] : requests_) {
    for (const auto& [status, count] : statuses) {
      out += "internal_events_http_requests_total{route=\"" + label_value(route) + "\",status=\"" + std::to_string(status) + "\"} " +
             std::to_string(count) + '\n';
    }
  }
  header(out, "internal_events_http_request_duration_seconds", "histogram", "Time from a complete request to its answer.");
  for (const auto& [route, histogram] : latency_) {
    histogram.write(out, "internal_events_http_request_duration_seconds", "route=\"" + label_value(route) + '"');
  }
  header(out, "internal_events_store_commit_duration_seconds", "histogram", "Time to validate and durably commit one batch.");
  commit_seconds_.write(out, "internal_events_store_commit_duration_seconds", "");
  header(out, "internal_events_batch_size_events", "histogram", "Events per tracking request.");
  batch_size_.write(out, "internal_events_batch_size_events", "");
  header(out, "internal_events_connections_open", "gauge", "Client connections open now.");
  out += "internal_events_connections_open " + std::to_string(open_connections()) + '\n';
  header(out, "internal_events_connections_refused_total", "counter", "Connections refused because --max-connections were open.");
  out += "internal_events_connections_refused_total " + std::to_string(refused_connections_.load(std::memory_order_relaxed)) + '\n';
  return out;
}

std::string event_problems_text(const std::vector<ProblemCount>& problems) {
  std::string out;
  header(out, "internal_events_event_problems_total", "counter",
         "Problems of tracked events (a rule skipped, an event rejected, a copy not queued), by event and reason.");
  for (const auto& [event, reason, count] : problems) {
    out += "internal_events_event_problems_total{event=\"" + label_value(event) + "\",reason=\"" + label_value(reason) + "\"} " +
           std::to_string(count) + '\n';
  }
  return out;
}

}  // namespace ie::http
