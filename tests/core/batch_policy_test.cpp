#include <doctest/doctest.h>

#include <initializer_list>

#include "core/batch_policy.hpp"

using namespace ie;

TEST_CASE("a batch holds at most its events and stays under 64 KiB for keepalive") {
  const BatchPolicy policy;
  CHECK(policy.batch.bytes < 64 * 1024);
  CHECK(within(policy.batch, 10, 60 * 1024));
  CHECK_FALSE(within(policy.batch, 11, 100));
  CHECK_FALSE(within(policy.batch, 1, 60 * 1024 + 1));
  CHECK_FALSE(batch_full(policy, 9));
  CHECK(batch_full(policy, 10));
  CHECK(batch_full(policy, 25));
}

TEST_CASE("answers that mean delivered, retry later, or give up") {
  for (int status : {200, 201, 204}) CHECK(decide_delivery(status) == Delivery::delivered);
  // No answer at all: offline, DNS, connection reset. The batch is whole and may go again.
  CHECK(decide_delivery(0) == Delivery::retry);
  for (int status : {408, 429, 500, 502, 503, 504, 599}) CHECK(decide_delivery(status) == Delivery::retry);
  for (int status : {400, 401, 403, 404, 410, 413, 422, 301, 100, 600}) CHECK(decide_delivery(status) == Delivery::give_up);
}

TEST_CASE("retries back off exponentially, with jitter from the given random number, up to the cap") {
  BatchPolicy policy;
  policy.first_retry_ms = 1000;
  policy.max_retry_ms = 60000;
  CHECK(retry_delay_ms(policy, 1, 0.0) == 500);
  CHECK(retry_delay_ms(policy, 1, 0.999999) == 999);
  CHECK(retry_delay_ms(policy, 2, 0.0) == 1000);
  CHECK(retry_delay_ms(policy, 3, 0.5) == 3000);
  CHECK(retry_delay_ms(policy, 7, 0.0) == 30000);  // 64 s capped at 60 s, halved
  CHECK(retry_delay_ms(policy, 7, 1.0) == 60000);
  CHECK(retry_delay_ms(policy, 1000, 0.25) == 37500);  // no overflow however long the outage
  // Out-of-range random numbers are clamped rather than producing negative or huge waits.
  CHECK(retry_delay_ms(policy, 1, -3.0) == 500);
  CHECK(retry_delay_ms(policy, 1, 7.0) == 1000);
}

TEST_CASE("different random numbers spread the same attempt") {
  const BatchPolicy policy;
  CHECK(retry_delay_ms(policy, 4, 0.1) < retry_delay_ms(policy, 4, 0.9));
}
