#pragma once
// Destroys what it is handed on a thread of its own. The SQLite writer hands it each answered
// group of requests: freeing their hundreds of small allocations (made on the HTTP threads) was a
// tenth of the writer's time, and the writer is the one thread every request waits for.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "native/thread_name.hpp"

namespace ie {

template <typename Garbage>
class Disposer {
 public:
  explicit Disposer(const char* thread_name)
      : thread_([this, thread_name] {
          name_this_thread(thread_name);
          run();
        }) {}

  // What is still queued is destroyed before the thread ends.
  ~Disposer() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  Disposer(const Disposer&) = delete;
  Disposer& operator=(const Disposer&) = delete;

  void dispose(Garbage garbage) {
    {
      const std::lock_guard lock(mutex_);
      queued_.push_back(std::move(garbage));
    }
    wake_.notify_one();
  }

 private:
  void run() {
    std::vector<Garbage> taken;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
      if (queued_.empty()) return;  // stopping, and nothing left
      taken.swap(queued_);
      lock.unlock();
      taken.clear();  // the destruction, outside the lock
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Garbage> queued_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the members it uses exist
};

}  // namespace ie
