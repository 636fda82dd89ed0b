#include "core/log_throttle.hpp"

namespace ie {

LogDecision LogThrottle::occurred(std::string_view event, std::string_view reason, std::int64_t now_ms) {
  Key key{std::string(event), std::string(reason)};
  auto found = keys_.find(key);
  if (found == keys_.end()) {
    bool first_folded = false;
    if (keys_.size() >= options_.max_keys) {
      key.first = kOtherEvents;
      found = keys_.find(key);
      first_folded = found == keys_.end();
    }
    if (found == keys_.end()) {
      found = keys_.emplace(std::move(key), State{1, 0, now_ms}).first;
      return LogDecision{true, 0, now_ms, found->first.first, first_folded};
    }
  }
  State& state = found->second;
  ++state.total;
  // A clock that went back counts as no time passed: the line waits for the interval all the same.
  if (now_ms - state.logged_at_ms < options_.interval_ms) {
    ++state.suppressed;
    return LogDecision{false, 0, 0, found->first.first, false};
  }
  LogDecision decision{true, state.suppressed, state.logged_at_ms, found->first.first, false};
  state.suppressed = 0;
  state.logged_at_ms = now_ms;
  return decision;
}

std::vector<ProblemCount> LogThrottle::unreported() {
  std::vector<ProblemCount> pending;
  for (auto& [key, state] : keys_) {
    if (state.suppressed == 0) continue;
    pending.push_back({key.first, key.second, state.suppressed});
    state.suppressed = 0;
  }
  return pending;
}

std::vector<ProblemCount> LogThrottle::totals() const {
  std::vector<ProblemCount> all;
  all.reserve(keys_.size());
  for (const auto& [key, state] : keys_) all.push_back({key.first, key.second, state.total});
  return all;
}

}  // namespace ie
