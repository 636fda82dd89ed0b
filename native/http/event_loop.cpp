#include "native/http/event_loop.hpp"

#include <boost/asio/post.hpp>

namespace ie::http {

void EventLoop::deliver(std::function<void()> answer) {
  bool first = false;
  {
    const std::lock_guard lock(mutex_);
    first = inbox_.empty();
    inbox_.push_back(std::move(answer));
  }
  if (first) boost::asio::post(context_, [this] { drain(); });
}

// The inbox and the drained answers trade places, each keeping its room: a fresh inbox per drain
// grew by reallocation on the store's thread, under the lock, several times per commit.
void EventLoop::drain() {
  {
    const std::lock_guard lock(mutex_);
    drained_.swap(inbox_);
  }
  for (auto& answer : drained_) answer();
  drained_.clear();
}

}  // namespace ie::http
