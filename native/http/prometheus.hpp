#pragma once
// The receiver's own health figures in Prometheus's text exposition format (version 0.0.4):
// events accepted and rejected (by reason), requests by route and status, and histograms of
// request latency, store commit latency and batch size.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/log_throttle.hpp"

namespace ie::http {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // name_bucket{labels,le="…"}, name_sum, name_count; `labels` is "" or `route="…"`.
  void write(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> upper_bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class ReceiverMetrics {
 public:
  ReceiverMetrics();

  void request_answered(std::string_view route, unsigned status, double seconds);
  void batch_received(std::size_t events);
  void store_committed(double seconds);
  void events_counted(std::size_t accepted, const std::vector<std::string>& rejection_reasons);
  // Connections: open ones (a ConnectionSlot each), and those refused over --max-connections.
  void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_refused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  std::uint64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }

  std::string exposition() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t accepted_ = 0;
  std::map<std::string, std::uint64_t> rejected_;
  // By route (found without building a string: std::less<>), then status.
  std::map<std::string, std::map<unsigned, std::uint64_t>, std::less<>> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
  Histogram commit_seconds_;
  Histogram batch_size_;
  std::atomic<std::uint64_t> open_connections_{0};
  std::atomic<std::uint64_t> refused_connections_{0};
};

// Counts one connection as open for as long as it lives (a session holds one).
class ConnectionSlot {
 public:
  explicit ConnectionSlot(ReceiverMetrics& metrics) : metrics_(metrics) { metrics_.connection_opened(); }
  ~ConnectionSlot() { metrics_.connection_closed(); }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  ReceiverMetrics& metrics_;
};

// Per-event problems (EventProblems::totals) as internal_events_event_problems_total{event,reason}.
std::string event_problems_text(const std::vector<ProblemCount>& problems);

}  // namespace ie::http
