#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "native/http/prometheus.hpp"

using namespace ie::http;

namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find('\n' + line + '\n') != std::string::npos; }

}  // namespace

// Requests are answered on every HTTP thread at once: the exposition must hold every thread's
// counts, in the buckets and sums of Prometheus's format, including routes only some threads saw.
TEST_CASE("the exposition adds up what every thread counted") {
  ReceiverMetrics metrics;
  constexpr int kThreads = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 100; ++i) {
        metrics.request_answered("/api/v4/usage_data/track_event", 200, 0.002);
        metrics.batch_received(1);
        metrics.store_committed(0.0004);
        metrics.events_counted(1, {});
      }
      if (t % 2 == 0) metrics.request_answered("unknown", 404, 0.3);
      if (t == 3) metrics.events_counted(0, {"unknown_event", "unknown_event"});
    });
  }
  for (auto& thread : threads) thread.join();

  const std::string text = metrics.exposition();
  CHECK(has_line(text, "internal_events_events_accepted_total 2000"));
  CHECK(has_line(text, "internal_events_events_rejected_total{reason=\"unknown_event\"} 2"));
  CHECK(has_line(text, "internal_events_http_requests_total{route=\"/api/v4/usage_data/track_event\",status=\"200\"} 2000"));
  CHECK(has_line(text, "internal_events_http_requests_total{route=\"unknown\",status=\"404\"} 10"));
  CHECK(has_line(text, "internal_events_http_request_duration_seconds_bucket{route=\"/api/v4/usage_data/track_event\",le=\"0.001\"} 0"));
  CHECK(has_line(text, "internal_events_http_request_duration_seconds_bucket{route=\"/api/v4/usage_data/track_event\",le=\"0.0025\"} 2000"));
  CHECK(has_line(text, "internal_events_http_request_duration_seconds_bucket{route=\"unknown\",le=\"0.25\"} 0"));
  CHECK(has_line(text, "internal_events_http_request_duration_seconds_bucket{route=\"unknown\",le=\"0.5\"} 10"));
  CHECK(has_line(text, "internal_events_http_request_duration_seconds_sum{route=\"unknown\"} 3"));
  CHECK(has_line(text, "internal_events_store_commit_duration_seconds_count 2000"));
  CHECK(has_line(text, "internal_events_batch_size_events_bucket{le=\"1\"} 2000"));
  CHECK(has_line(text, "internal_events_batch_size_events_sum 2000"));
}
