#pragma once
// A token bucket per client address: a client may send `burst` requests at once and `per_second`
// on average. Generous by default; it keeps one runaway page from starving the store.
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ie::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}  // per_second 0: no limit

  bool allow(const std::string& client, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point refilled;
  };

  void forget_idle_clients(Clock::time_point now);

  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace ie::http
