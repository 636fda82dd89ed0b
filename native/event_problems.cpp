#include "native/event_problems.hpp"

#include "native/log.hpp"

namespace ie {

namespace {

std::string quoted(std::string_view event) {
  return event == kOtherEvents ? std::string(kOtherEvents) : "event '" + std::string(event) + "'";
}

}  // namespace

EventProblems::EventProblems(std::function<void(const std::string&)> log, LogThrottleOptions options)
    : log_(std::move(log)), throttle_(options) {}

void EventProblems::report(std::string_view event, std::string_view reason, const std::string& message, std::int64_t now_ms) {
  LogDecision decision;
  std::string counted_as;
  {
    const std::lock_guard lock(mutex_);
    decision = throttle_.occurred(event, reason, now_ms);
    if (!decision.log) return;
    counted_as = decision.event;  // a view into the throttle: copied while it is locked
  }
  std::string text = message;
  if (decision.first_folded) {
    text += " (more than " + std::to_string(throttle_.options().max_keys) + " events have problems: from now on new ones are counted as " +
            std::string(kOtherEvents) + ")";
  } else if (decision.suppressed > 0) {
    const std::int64_t seconds = (now_ms - decision.since_ms) / 1000;
    text += " (and " + std::to_string(decision.suppressed) + " more " + (counted_as == kOtherEvents ? "of other events " : "") +
            "in the last " + std::to_string(seconds) + " s)";
  }
  emit(text, counted_as, reason, decision.suppressed + 1);
}

void EventProblems::flush() {
  std::vector<ProblemCount> pending;
  {
    const std::lock_guard lock(mutex_);
    pending = throttle_.unreported();
  }
  for (const auto& [event, reason, count] : pending) {
    emit(quoted(event) + ": " + reason + ": " + std::to_string(count) + " more since its last line", event, reason, count);
  }
}

std::vector<ProblemCount> EventProblems::totals() const {
  const std::lock_guard lock(mutex_);
  return throttle_.totals();
}

std::string EventProblems::reason_of_kind(std::string_view kind_name) {
  std::string reason(kind_name);
  for (char& c : reason) {
    if (c == '_') c = ' ';
  }
  return reason;
}

void EventProblems::emit(const std::string& message, std::string_view event, std::string_view reason, std::uint64_t count) const {
  if (log_) return log_(message);
  log::warn(message, {{"event", event}, {"reason", reason}, {"count", static_cast<std::int64_t>(count)}});
}

}  // namespace ie
