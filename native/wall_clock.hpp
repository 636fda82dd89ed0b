#pragma once
// The one way native code reads the clock. Core never does: there, time is a parameter.
#include <chrono>
#include <cstdint>

namespace ie {

inline constexpr std::int64_t kMsPerDay = 86'400'000;

inline std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace ie
