#pragma once
// What the emitter does with a collector's answer, and how long it waits before trying again.
// The emitter thread owns the clock, the sockets and the random source; the decisions are here.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ie::snowplow {

enum class CollectorAnswer {
  delivered,  // 2xx: the batch is the collector's now; its entries leave the outbox
  retry,      // no answer (0), a timeout, 429, 5xx and any other status: the same batch later
  dead,       // 400, 401, 403, 410, 413, 422: the batch itself is refused and would be forever
};

CollectorAnswer classify_answer(int status);

struct BackoffPolicy {
  std::uint32_t first_retry_ms = 500;
  std::uint32_t max_retry_ms = 60'000;
};

// The wait before retry number `attempt` (1 for the first): exponential, capped, with equal
// jitter (half fixed, half scaled by `random` in [0, 1)). A Retry-After the collector sent wins
// when it asks for longer, still capped at ten times max_retry_ms so that a bad header cannot
// stall the outbox for days.
std::uint32_t retry_delay_ms(const BackoffPolicy& policy, unsigned attempt, double random,
                             std::optional<std::uint32_t> retry_after_ms = std::nullopt);

// Retry-After as delay-seconds ("120"); the HTTP-date form needs a clock and is the caller's.
std::optional<std::uint32_t> retry_after_seconds_ms(std::string_view header);

}  // namespace ie::snowplow
