#pragma once
// Which per-event problems get a log line. A client can send a million events that each have the
// same problem: the log says it the first time for each (event, reason), then at most once per
// interval with how many it did not say since. Every occurrence is still counted (`totals`, for
// the metrics). No clock: callers pass now.
//
// Memory is bounded: past `max_keys` distinct keys, a new event's problems are counted under
// kOtherEvents (one key per reason, and reasons are a fixed vocabulary), so random event names
// cannot grow it.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ie {

inline constexpr std::string_view kOtherEvents = "(other events)";

struct LogThrottleOptions {
  std::int64_t interval_ms = 60'000;
  std::size_t max_keys = 10'000;
};

// What to do with one occurrence.
struct LogDecision {
  bool log = false;
  std::uint64_t suppressed = 0;    // when logging: occurrences of the key since its last line, not logged
  std::int64_t since_ms = 0;       // when logging a repeat: the time of that last line
  std::string_view event;          // the event it is counted under: its own, or kOtherEvents
  bool first_folded = false;       // the first problem counted under kOtherEvents for this reason
};

struct ProblemCount {
  std::string event;
  std::string reason;
  std::uint64_t count = 0;
};

class LogThrottle {
 public:
  explicit LogThrottle(LogThrottleOptions options = {}) : options_(options) {}

  LogDecision occurred(std::string_view event, std::string_view reason, std::int64_t now_ms);

  // Occurrences never logged, by key, each then marked as said: for a last line at shutdown.
  std::vector<ProblemCount> unreported();
  // Every occurrence by key, sorted by event then reason.
  std::vector<ProblemCount> totals() const;
  std::size_t keys() const { return keys_.size(); }
  const LogThrottleOptions& options() const { return options_; }

 private:
  struct State {
    std::uint64_t total = 0;
    std::uint64_t suppressed = 0;
    std::int64_t logged_at_ms = 0;
  };
  using Key = std::pair<std::string, std::string>;  // event, reason

  LogThrottleOptions options_;
  std::map<Key, State> keys_;
};

}  // namespace ie
