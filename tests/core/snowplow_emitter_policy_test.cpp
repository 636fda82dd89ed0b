#include <doctest/doctest.h>

#include "core/snowplow/emitter_policy.hpp"

using namespace ie::snowplow;

TEST_CASE("the collector's answer decides: 2xx delivered, the refusals dead, everything else retried") {
  for (const int status : {200, 201, 204}) CHECK(classify_answer(status) == CollectorAnswer::delivered);
  for (const int status : {400, 401, 403, 410, 413, 422}) CHECK(classify_answer(status) == CollectorAnswer::dead);
  for (const int status : {0, 301, 404, 408, 429, 500, 502, 503}) CHECK(classify_answer(status) == CollectorAnswer::retry);
}

TEST_CASE("retries back off exponentially with equal jitter, capped, and honour a longer Retry-After") {
  const BackoffPolicy policy;
  CHECK(retry_delay_ms(policy, 1, 0.0) == 250);
  CHECK(retry_delay_ms(policy, 1, 0.999) == 499);
  CHECK(retry_delay_ms(policy, 2, 0.0) == 500);
  CHECK(retry_delay_ms(policy, 30, 0.0) == 30'000);
  CHECK(retry_delay_ms(policy, 200, 0.999) < 60'000);
  CHECK(retry_delay_ms(policy, 1, 0.0, 5'000) == 5'000);
  CHECK(retry_delay_ms(policy, 10, 0.0, 5'000) > 5'000);  // the backoff is longer already
  CHECK(retry_delay_ms(policy, 1, 0.0, 1'000'000'000) == 600'000);  // a silly header cannot stall the outbox for days
}

TEST_CASE("Retry-After in seconds; the date form is left to the caller") {
  CHECK(retry_after_seconds_ms("120") == 120'000u);
  CHECK(retry_after_seconds_ms(" 3 ") == 3'000u);
  CHECK_FALSE(retry_after_seconds_ms("Wed, 21 Oct 2015 07:28:00 GMT"));
  CHECK_FALSE(retry_after_seconds_ms(""));
}
