#include "core/batch_policy.hpp"

#include <algorithm>

namespace ie {

bool within(const BatchLimits& limits, std::size_t events, std::size_t bytes) {
  return events <= limits.events && bytes <= limits.bytes;
}

bool batch_full(const BatchPolicy& policy, std::size_t queued_events) { return queued_events >= policy.batch.events; }

Delivery decide_delivery(int status) {
  if (status >= 200 && status < 300) return Delivery::delivered;
  if (status == 0 || status == 408 || status == 429 || (status >= 500 && status < 600)) return Delivery::retry;
  return Delivery::give_up;
}

std::uint32_t retry_delay_ms(const BatchPolicy& policy, unsigned attempt, double random) {
  const unsigned doublings = attempt == 0 ? 0 : std::min(attempt - 1, 30u);
  const double delay = std::min(static_cast<double>(policy.first_retry_ms) * static_cast<double>(1u << doublings),
                                static_cast<double>(policy.max_retry_ms));
  const double unit = std::clamp(random, 0.0, 1.0);
  return static_cast<std::uint32_t>(delay / 2 + unit * (delay / 2));
}

}  // namespace ie
