#pragma once
// How the browser module delivers events: when a batch is full, what it may hold, and what an
// answer (or its absence) means. The JavaScript glue owns the timers, the storage and fetch; the
// decisions are here, one copy for every platform, tested natively. Core reads no clock and no
// random source: time arrives as milliseconds and the jitter's random number as a parameter.
#include <cstddef>
#include <cstdint>

namespace ie {

struct BatchLimits {
  std::size_t events;
  std::size_t bytes;
};

struct BatchPolicy {
  // A request body stays under 64 KiB: browsers refuse keepalive fetches and beacons whose bodies
  // in flight add up to more, and a page that is being closed only gets those two.
  BatchLimits batch{10, 60 * 1024};
  // The offline queue (localStorage) is bounded so that a long outage cannot fill the origin's
  // quota, which other code on the page needs too. Past the bounds the oldest events go first.
  BatchLimits stored{1000, 512 * 1024};
  std::uint32_t flush_interval_ms = 2000;
  std::uint32_t first_retry_ms = 1000;
  std::uint32_t max_retry_ms = 5 * 60 * 1000;
};

// True when `events` events whose body (envelope included) is `bytes` long fit the limits.
bool within(const BatchLimits& limits, std::size_t events, std::size_t bytes);

// A full batch is sent at once instead of waiting for the flush interval.
bool batch_full(const BatchPolicy& policy, std::size_t queued_events);

enum class Delivery {
  delivered,  // 2xx: the receiver has committed the batch (a 2xx means durable)
  retry,      // no answer (network error, offline), 408, 429 or 5xx: the same batch again later
  give_up,    // any other answer: the batch itself is wrong (400, 401, 403, 410, 413, 422, …) and
              // sending it again would fail again, forever, behind newer events
};

// `status` is the HTTP status, or 0 when no answer arrived.
Delivery decide_delivery(int status);

// The wait before retry number `attempt` (1 for the first retry): exponential from
// first_retry_ms, capped at max_retry_ms, with "equal jitter": half the delay is fixed and half
// is scaled by `random` in [0, 1), so pages that lost the network together do not all come back
// in the same millisecond, and no wait is ever zero.
std::uint32_t retry_delay_ms(const BatchPolicy& policy, unsigned attempt, double random);

}  // namespace ie
