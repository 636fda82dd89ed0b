#pragma once
// Per-event problems (a rule skipped for a missing identifier, an event rejected, a Snowplow copy
// not queued): each is counted by (event, reason) for /-/metrics, and logged through a
// LogThrottle, so a client sending a million bad events writes a few lines, not a million.
// Reasons are short stable phrases: "missing namespace.id", "unknown event".
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/log_throttle.hpp"

namespace ie {

class EventProblems {
 public:
  // `log` gets each line's text; empty: log::warn, with event, reason and count as fields.
  explicit EventProblems(std::function<void(const std::string&)> log = {}, LogThrottleOptions options = {});

  // One occurrence; `message` says it in full ("event 'x': skipped {hll_counters}_…: the event
  // has no namespace.id"). Safe from any thread; `log` is called without a lock held, so it may
  // report problems itself.
  void report(std::string_view event, std::string_view reason, const std::string& message, std::int64_t now_ms);

  // One line for each key with occurrences not logged yet: at shutdown, so no count is lost.
  void flush();

  std::vector<ProblemCount> totals() const;

  // An EventErrorKind's name or the receiver's "invalid_event" as a reason: "unknown event".
  static std::string reason_of_kind(std::string_view kind_name);

 private:
  void emit(const std::string& message, std::string_view event, std::string_view reason, std::uint64_t count) const;

  std::function<void(const std::string&)> log_;
  mutable std::mutex mutex_;
  LogThrottle throttle_;
};

}  // namespace ie
