#include "native/http/rate_limiter.hpp"

#include <algorithm>

namespace ie::http {

namespace {

constexpr std::size_t kClientsBeforeCleanup = 10000;

}  // namespace

bool RateLimiter::allow(const std::string& client, Clock::time_point now) {
  if (per_second_ <= 0) return true;
  const std::lock_guard lock(mutex_);
  if (buckets_.size() > kClientsBeforeCleanup) forget_idle_clients(now);
  auto [bucket, added] = buckets_.try_emplace(client, Bucket{burst_, now});
  const double elapsed = std::chrono::duration<double>(now - bucket->second.refilled).count();
  bucket->second.tokens = std::min(burst_, bucket->second.tokens + elapsed * per_second_);
  bucket->second.refilled = now;
  if (bucket->second.tokens < 1) return false;
  bucket->second.tokens -= 1;
  return true;
}

// A client whose bucket would be full again is indistinguishable from a new one.
void RateLimiter::forget_idle_clients(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed = std::chrono::duration<double>(now - it->second.refilled).count();
    it = it->second.tokens + elapsed * per_second_ >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace ie::http
