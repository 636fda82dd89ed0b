#include "core/snowplow/emitter_policy.hpp"

#include <algorithm>
#include <charconv>

namespace ie::snowplow {

CollectorAnswer classify_answer(int status) {
  if (status >= 200 && status < 300) return CollectorAnswer::delivered;
  switch (status) {
    case 400: case 401: case 403: case 410: case 413: case 422: return CollectorAnswer::dead;
    default: return CollectorAnswer::retry;
  }
}

std::uint32_t retry_delay_ms(const BackoffPolicy& policy, unsigned attempt, double random, std::optional<std::uint32_t> retry_after_ms) {
  const unsigned doublings = std::min(attempt == 0 ? 0u : attempt - 1, 31u);
  const std::uint64_t exponential = std::min<std::uint64_t>(std::uint64_t{policy.first_retry_ms} << doublings, policy.max_retry_ms);
  const double jittered = static_cast<double>(exponential) / 2 * (1 + std::clamp(random, 0.0, 1.0));
  auto delay = static_cast<std::uint32_t>(jittered);
  if (retry_after_ms) delay = std::max(delay, std::min(*retry_after_ms, policy.max_retry_ms * 10));
  return std::max<std::uint32_t>(delay, 1);
}

std::optional<std::uint32_t> retry_after_seconds_ms(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  std::uint32_t seconds = 0;
  const auto [end, error] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || error != std::errc() || end != header.data() + header.size()) return std::nullopt;
  return seconds > 4'000'000 ? 4'000'000'000u : seconds * 1000;
}

}  // namespace ie::snowplow
