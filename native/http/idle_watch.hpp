#pragma once
// Closes the connections of one event loop that sit idle, or stall mid-request, past their
// deadline. One timer looks at all of them every second. Beast's own timeouts armed and cancelled
// a timer around every read and write instead: a sixth of the CPU of a one-event request.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <vector>

namespace ie::http {

class Session;

class IdleWatch {
 public:
  IdleWatch(boost::asio::io_context& context, std::chrono::seconds timeout);

  std::chrono::seconds timeout() const { return timeout_; }

  // Both on the loop's thread.
  void watch(const std::shared_ptr<Session>& session);
  void start();
  // From any thread: no more sweeps, so the loop can run out of work.
  void stop();

 private:
  void sweep();

  boost::asio::steady_timer timer_;
  std::chrono::seconds timeout_;
  std::vector<std::weak_ptr<Session>> sessions_;
  bool stopped_ = false;  // on the loop's thread
};

}  // namespace ie::http
