#include <doctest/doctest.h>

#include "core/log_throttle.hpp"

using namespace ie;

namespace {

constexpr std::int64_t kStart = 1'800'000'000'000;
constexpr std::int64_t kSecond = 1000;

}  // namespace

TEST_CASE("the first occurrence of each (event, reason) is logged, repeats within the minute are not") {
  LogThrottle throttle;
  const LogDecision first = throttle.occurred("pull_package", "missing namespace.id", kStart);
  CHECK(first.log);
  CHECK(first.suppressed == 0);
  CHECK(first.event == "pull_package");
  for (int i = 1; i < 10'000; ++i) CHECK_FALSE(throttle.occurred("pull_package", "missing namespace.id", kStart + i).log);
  CHECK(throttle.occurred("pull_package", "missing project.id", kStart + 10).log);  // another reason
  CHECK(throttle.occurred("other_event", "missing namespace.id", kStart + 10).log);  // another event
  const std::vector<ProblemCount> totals = throttle.totals();
  REQUIRE(totals.size() == 3);
  CHECK(totals[0].event == "other_event");
  CHECK(totals[1].reason == "missing namespace.id");
  CHECK(totals[1].count == 10'000);
  CHECK(totals[2].count == 1);
}

TEST_CASE("a minute after its last line a key logs again, with the count it did not log since") {
  LogThrottle throttle;
  CHECK(throttle.occurred("e", "r", kStart).log);
  for (int i = 0; i < 41; ++i) CHECK_FALSE(throttle.occurred("e", "r", kStart + 59 * kSecond).log);
  const LogDecision again = throttle.occurred("e", "r", kStart + 60 * kSecond);
  CHECK(again.log);
  CHECK(again.suppressed == 41);
  CHECK(again.since_ms == kStart);
  // The next window starts at that line, not at the first one.
  CHECK_FALSE(throttle.occurred("e", "r", kStart + 119 * kSecond).log);
  const LogDecision third = throttle.occurred("e", "r", kStart + 120 * kSecond);
  CHECK(third.log);
  CHECK(third.suppressed == 1);
  CHECK(third.since_ms == kStart + 60 * kSecond);
  // Quiet for longer than the interval: the next occurrence logs at once, nothing was suppressed.
  const LogDecision later = throttle.occurred("e", "r", kStart + 600 * kSecond);
  CHECK(later.log);
  CHECK(later.suppressed == 0);
}

TEST_CASE("a clock that goes back holds the line back rather than logging early") {
  LogThrottle throttle;
  CHECK(throttle.occurred("e", "r", kStart).log);
  CHECK_FALSE(throttle.occurred("e", "r", kStart - 3600 * kSecond).log);
  CHECK(throttle.occurred("e", "r", kStart + 60 * kSecond).log);
}

TEST_CASE("the interval is an option") {
  LogThrottle throttle({.interval_ms = 5 * kSecond, .max_keys = 10});
  CHECK(throttle.occurred("e", "r", kStart).log);
  CHECK_FALSE(throttle.occurred("e", "r", kStart + 4999).log);
  CHECK(throttle.occurred("e", "r", kStart + 5000).log);
}

TEST_CASE("past the cap new events are counted under one 'other events' key per reason") {
  LogThrottle throttle({.interval_ms = 60 * kSecond, .max_keys = 3});
  CHECK(throttle.occurred("a", "unknown event", kStart).log);
  CHECK(throttle.occurred("b", "unknown event", kStart).log);
  CHECK(throttle.occurred("c", "unknown event", kStart).log);
  const LogDecision folded = throttle.occurred("d", "unknown event", kStart);
  CHECK(folded.log);
  CHECK(folded.first_folded);
  CHECK(folded.event == kOtherEvents);
  for (int i = 0; i < 1000; ++i) {
    const LogDecision random = throttle.occurred("random_" + std::to_string(i), "unknown event", kStart + 1);
    CHECK_FALSE(random.log);
    CHECK(random.event == kOtherEvents);
  }
  CHECK(throttle.occurred("a", "unknown event", kStart + 2).event == "a");  // known keys keep their own
  CHECK(throttle.occurred("e", "invalid identifier", kStart).first_folded);  // another reason: its own fold
  CHECK(throttle.keys() == 5);
  const std::vector<ProblemCount> totals = throttle.totals();
  REQUIRE(totals.size() == 5);
  CHECK(totals[0].event == kOtherEvents);  // "(" sorts first
  CHECK(totals[0].reason == "invalid identifier");
  CHECK(totals[1].event == kOtherEvents);
  CHECK(totals[1].reason == "unknown event");
  CHECK(totals[1].count == 1001);
  CHECK(totals[2].event == "a");
  CHECK(totals[2].count == 2);
}

TEST_CASE("what was never logged is handed out once, for a last line") {
  LogThrottle throttle;
  CHECK(throttle.occurred("e", "r", kStart).log);
  CHECK(throttle.occurred("f", "r", kStart).log);
  for (int i = 0; i < 7; ++i) throttle.occurred("e", "r", kStart + kSecond);
  const std::vector<ProblemCount> pending = throttle.unreported();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].event == "e");
  CHECK(pending[0].count == 7);
  CHECK(throttle.unreported().empty());
  CHECK(throttle.totals()[0].count == 8);  // totals are not reset
}
