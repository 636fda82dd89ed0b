// The emitter's decisions: what a collector's answer means and how long to wait before a retry.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/snowplow/emitter_policy.hpp"

using namespace ie::snowplow;

namespace {

// The backoff before jitter, as the header describes it: first_retry_ms doubling, capped.
std::uint64_t exponential(const BackoffPolicy& policy, unsigned attempt) {
  std::uint64_t delay = policy.first_retry_ms;
  for (unsigned i = 1; i < attempt && delay < policy.max_retry_ms; ++i) delay *= 2;
  return std::min<std::uint64_t>(delay, policy.max_retry_ms);
}

}  // namespace

TEST_CASE("the collector's answer decides: 2xx delivered, the refusals dead, everything else retried") {
  for (const int status : {200, 201, 202, 204, 299}) CHECK(classify_answer(status) == CollectorAnswer::delivered);
  for (const int status : {400, 401, 403, 410, 413, 422}) CHECK(classify_answer(status) == CollectorAnswer::dead);
  for (const int status : {0, -1, 100, 199, 300, 301, 302, 304, 402, 404, 405, 408, 409, 411, 414, 421, 423, 429, 500, 502, 503, 504, 599, 600}) {
    CHECK_MESSAGE(classify_answer(status) == CollectorAnswer::retry, status);
  }
}

TEST_CASE("retries back off exponentially with equal jitter, capped, and honour a longer Retry-After") {
  const BackoffPolicy policy;
  CHECK(retry_delay_ms(policy, 1, 0.0) == 250);
  CHECK(retry_delay_ms(policy, 1, 0.5) == 375);
  CHECK(retry_delay_ms(policy, 1, 0.999) == 499);
  CHECK(retry_delay_ms(policy, 2, 0.0) == 500);
  CHECK(retry_delay_ms(policy, 3, 0.0) == 1'000);
  CHECK(retry_delay_ms(policy, 8, 0.0) == 30'000);  // 500 · 2⁷ = 64 000, capped at 60 000, halved
  CHECK(retry_delay_ms(policy, 30, 0.0) == 30'000);
  CHECK(retry_delay_ms(policy, 200, 0.999) < 60'000);
  CHECK(retry_delay_ms(policy, 1, 0.0, 5'000) == 5'000);
  CHECK(retry_delay_ms(policy, 10, 0.0, 5'000) > 5'000);  // the backoff is longer already
  CHECK(retry_delay_ms(policy, 5, 0.0, 1'000) == 4'000);  // a shorter Retry-After does not hurry the retry
  CHECK(retry_delay_ms(policy, 5, 0.0, 0) == 4'000);
  CHECK(retry_delay_ms(policy, 1, 0.0, 1'000'000'000) == 600'000);  // a silly header cannot stall the outbox for days
  CHECK(retry_delay_ms(policy, 1, 0.0, 600'000) == 600'000);
  CHECK(retry_delay_ms(BackoffPolicy{.first_retry_ms = 100, .max_retry_ms = 1'000}, 1, 0.0, 50'000) == 10'000);
}

TEST_CASE("every delay lies in [backoff/2, backoff), grows with the attempt and with the random draw") {
  for (const BackoffPolicy policy : {BackoffPolicy{}, BackoffPolicy{.first_retry_ms = 1'000, .max_retry_ms = 300'000},
                                     BackoffPolicy{.first_retry_ms = 7, .max_retry_ms = 7}}) {
    for (const double random : {0.0, 0.25, 0.5, 0.75, 0.999999}) {
      std::uint32_t previous = 0;
      for (unsigned attempt = 1; attempt <= 64; ++attempt) {
        const std::uint32_t delay = retry_delay_ms(policy, attempt, random);
        const std::uint64_t backoff = exponential(policy, attempt);
        CHECK(delay >= backoff / 2);
        CHECK(delay < backoff);
        CHECK(delay >= previous);
        CHECK(delay <= policy.max_retry_ms);
        previous = delay;
      }
    }
    CHECK(retry_delay_ms(policy, 4, 0.1) <= retry_delay_ms(policy, 4, 0.9));
  }
}

TEST_CASE("odd inputs still give a sane delay: attempt 0, a draw outside [0, 1), a zero policy") {
  const BackoffPolicy policy;
  CHECK(retry_delay_ms(policy, 0, 0.0) == retry_delay_ms(policy, 1, 0.0));
  CHECK(retry_delay_ms(policy, 1, -3.0) == 250);  // clamped to 0
  CHECK(retry_delay_ms(policy, 1, 7.0) == 500);   // clamped to 1: the whole backoff, never more
  CHECK(retry_delay_ms(policy, 1'000'000, 1.0) == 60'000);
  CHECK(retry_delay_ms(BackoffPolicy{.first_retry_ms = 0, .max_retry_ms = 0}, 3, 0.5) == 1);  // never a busy loop
  CHECK(retry_delay_ms(BackoffPolicy{.first_retry_ms = 1, .max_retry_ms = 1}, 1, 0.0) == 1);
}

TEST_CASE("Retry-After in seconds; the date form is left to the caller") {
  CHECK(retry_after_seconds_ms("120") == 120'000u);
  CHECK(retry_after_seconds_ms(" 3 ") == 3'000u);
  CHECK(retry_after_seconds_ms("0") == 0u);
  CHECK(retry_after_seconds_ms("4000000") == 4'000'000'000u);
  CHECK(retry_after_seconds_ms("4000001") == 4'000'000'000u);  // saturates instead of wrapping round
  CHECK(retry_after_seconds_ms("4294967295") == 4'000'000'000u);
  CHECK_FALSE(retry_after_seconds_ms("Wed, 21 Oct 2015 07:28:00 GMT"));
  CHECK_FALSE(retry_after_seconds_ms(""));
  CHECK_FALSE(retry_after_seconds_ms("   "));
  CHECK_FALSE(retry_after_seconds_ms("-1"));
  CHECK_FALSE(retry_after_seconds_ms("+5"));
  CHECK_FALSE(retry_after_seconds_ms("1.5"));
  CHECK_FALSE(retry_after_seconds_ms("12a"));
  CHECK_FALSE(retry_after_seconds_ms("1 2"));
}
