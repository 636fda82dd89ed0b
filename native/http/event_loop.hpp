#pragma once
// One thread's share of the server: an io_context that only that thread runs, the watch over its
// connections' idle time, and the inbox through which answers computed on other threads reach it.
//
// Why an inbox: a tracking request is answered from the store's thread once its commit is durable,
// and one commit answers tens of requests. Posting each answer to the io_context on its own woke
// this thread once per answer, at the price of an epoll_ctl and a futex each on the store's thread,
// which commits nothing meanwhile. The inbox posts one drain for all the answers that arrive before
// this thread gets to them.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "native/http/idle_watch.hpp"

namespace ie::http {

class EventLoop {
 public:
  // One thread runs it: asio can skip the locking of a shared context.
  explicit EventLoop(std::chrono::seconds idle_timeout) : context_(1), idle_(context_, idle_timeout) {}

  boost::asio::io_context& context() { return context_; }
  IdleWatch& idle() { return idle_; }

  // From any thread: `answer` runs on this loop's thread. The caller keeps the io_context's work
  // counted (a tracked executor in `answer`) until it has run.
  void deliver(std::function<void()> answer);

 private:
  void drain();

  boost::asio::io_context context_;
  IdleWatch idle_;
  std::mutex mutex_;
  std::vector<std::function<void()>> inbox_;
  std::vector<std::function<void()>> drained_;  // this thread's only
};

}  // namespace ie::http
