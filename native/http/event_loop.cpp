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

void EventLoop::drain() {
  std::vector<std::function<void()>> answers;
  {
    const std::lock_guard lock(mutex_);
    answers.swap(inbox_);
  }
  for (auto& answer : answers) answer();
}

}  // namespace ie::http
