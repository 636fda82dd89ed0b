// The helper that frees the SQLite writer's answered requests on a thread of its own.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "native/store/disposer.hpp"

namespace {

// Notes the thread that destroys it.
struct Noted {
  std::mutex* mutex = nullptr;
  std::vector<std::thread::id>* destroyed_on = nullptr;

  Noted(std::mutex& m, std::vector<std::thread::id>& on) : mutex(&m), destroyed_on(&on) {}
  Noted(Noted&& other) noexcept : mutex(std::exchange(other.mutex, nullptr)), destroyed_on(std::exchange(other.destroyed_on, nullptr)) {}
  Noted& operator=(Noted&&) = delete;
  ~Noted() {
    if (!mutex) return;  // moved from
    const std::lock_guard lock(*mutex);
    destroyed_on->push_back(std::this_thread::get_id());
  }
};

}  // namespace

TEST_CASE("a disposer destroys what it is given on its own thread, and everything before it ends") {
  std::mutex mutex;
  std::vector<std::thread::id> destroyed_on;
  constexpr int kGiven = 1000;
  {
    ie::Disposer<Noted> disposer("test-disposer");
    disposer.dispose(Noted(mutex, destroyed_on));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {  // the first is destroyed without waiting for the disposer's end
      {
        const std::lock_guard lock(mutex);
        if (!destroyed_on.empty()) break;
      }
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (int i = 1; i < kGiven; ++i) disposer.dispose(Noted(mutex, destroyed_on));
  }
  REQUIRE(destroyed_on.size() == kGiven);
  for (const std::thread::id thread : destroyed_on) CHECK(thread != std::this_thread::get_id());
}
