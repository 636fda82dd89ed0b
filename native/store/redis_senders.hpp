#pragma once
// The threads that send a Redis store's apply_async() calls, shared by the single-server and the
// cluster store. Calls queue up while a sender is busy; a sender takes all of them at once and
// pipelines them. Two senders, each with its own connections: while one waits for its replies,
// Redis runs the other's scripts (with one, Redis idled between a pipeline's last reply and the
// next pipeline). Stopping drains the queue: every call is answered.
#include <condition_variable>
#include <csignal>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "native/store/counter_store.hpp"
#include "native/thread_name.hpp"

namespace ie::redis {

// One apply_async() call waiting for its scripts to run.
struct Pending {
  std::vector<EventWrites> events;
  ApplyDone done;
};

// hiredis writes to sockets with write(): a server that closed the connection must be an error on
// that call, not a SIGPIPE that ends the process. Whoever set a handler keeps it.
inline void ignore_sigpipe() {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
}

class RedisSenders {
 public:
  using Send = std::function<void(std::vector<Pending>& batch)>;  // answers every call of the batch

  RedisSenders(const char* thread_name, Send send) : send_(std::move(send)) {
    ignore_sigpipe();
    for (int i = 0; i < kSenders; ++i) {
      threads_.emplace_back([this, thread_name] {
        name_this_thread(thread_name);
        run();
      });
    }
  }

  ~RedisSenders() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
  }

  RedisSenders(const RedisSenders&) = delete;
  RedisSenders& operator=(const RedisSenders&) = delete;

  void push(std::vector<EventWrites> events, ApplyDone done) {
    if (events.empty()) return done(nullptr, {});
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(Pending{std::move(events), std::move(done)});
    }
    wake_.notify_one();
  }

 private:
  static constexpr int kSenders = 2;

  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      std::vector<Pending> batch = std::exchange(queue_, {});
      lock.unlock();
      send_(batch);
      lock.lock();
    }
  }

  const Send send_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ie::redis
