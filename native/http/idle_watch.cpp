#include "native/http/idle_watch.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "native/http/session.hpp"

namespace ie::http {

namespace {

constexpr std::chrono::seconds kSweepInterval{1};

}  // namespace

IdleWatch::IdleWatch(boost::asio::io_context& context, std::chrono::seconds timeout) : timer_(context), timeout_(timeout) {}

void IdleWatch::watch(const std::shared_ptr<Session>& session) { sessions_.push_back(session); }

void IdleWatch::start() {
  if (stopped_) return;
  timer_.expires_after(kSweepInterval);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    sweep();
    start();
  });
}

void IdleWatch::stop() {
  boost::asio::post(timer_.get_executor(), [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

void IdleWatch::sweep() {
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(sessions_, [](const std::weak_ptr<Session>& session) { return session.expired(); });
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock(); session && session->overdue(now)) session->time_out();
  }
}

}  // namespace ie::http
