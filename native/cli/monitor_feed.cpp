#include "native/cli/monitor_feed.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace ie::cli {

namespace {

constexpr std::chrono::seconds kReconnectEvery{1};

}  // namespace

MonitorFeed::MonitorFeed(const MonitorReceiver& receiver, std::unique_ptr<StreamingGet> first, bool reconnect)
    : receiver_(receiver), reconnect_(reconnect) {
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  thread_ = std::thread([this, stream = std::move(first)]() mutable { run(std::move(stream)); });
}

MonitorFeed::~MonitorFeed() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
    if (reading_) reading_->cancel();
  }
  stopped_.notify_all();
  thread_.join();
  ::close(wake_[0]);
  ::close(wake_[1]);
}

std::vector<FeedNews> MonitorFeed::take() {
  char drained[256];
  while (::read(wake_[0], drained, sizeof drained) > 0) {
  }
  const std::lock_guard lock(mutex_);
  std::vector<FeedNews> taken(std::make_move_iterator(news_.begin()), std::make_move_iterator(news_.end()));
  news_.clear();
  return taken;
}

void MonitorFeed::tell(FeedNews news) {
  {
    const std::lock_guard lock(mutex_);
    news_.push_back(std::move(news));
  }
  const char byte = 1;
  (void)!::write(wake_[1], &byte, 1);  // a full pipe already wakes the loop
}

bool MonitorFeed::stopping() {
  const std::lock_guard lock(mutex_);
  return stop_;
}

void MonitorFeed::run(std::unique_ptr<StreamingGet> stream) {
  while (stream) {
    read_until_it_ends(*stream);
    stream.reset();
    if (!reconnect_ || stopping()) return;
    stream = reopen();
  }
}

void MonitorFeed::read_until_it_ends(StreamingGet& stream) {
  {
    const std::lock_guard lock(mutex_);
    if (stop_) return;
    reading_ = &stream;
  }
  std::string reason = "the receiver at " + receiver_.url().text + " closed the event stream";
  try {
    ServerSentEventReader reader;
    for (std::string bytes; !(bytes = stream.read_some()).empty();) {
      for (auto& message : reader.feed(bytes)) tell({FeedNews::Kind::message, std::move(message), {}, 0});
    }
  } catch (const std::exception& error) {
    reason = error.what();
  }
  const std::lock_guard lock(mutex_);
  reading_ = nullptr;
  if (!stop_) news_.push_back({FeedNews::Kind::disconnected, {}, reason, 0});
  const char byte = 1;
  (void)!::write(wake_[1], &byte, 1);
}

// Every second until the stream is open again, or the feed stops.
std::unique_ptr<StreamingGet> MonitorFeed::reopen() {
  for (int attempt = 1;; ++attempt) {
    {
      std::unique_lock lock(mutex_);
      if (stopped_.wait_for(lock, kReconnectEvery, [this] { return stop_; })) return nullptr;
    }
    try {
      auto stream = receiver_.open_events();
      tell({FeedNews::Kind::connected, {}, {}, 0});
      return stream;
    } catch (const std::exception& error) {
      tell({FeedNews::Kind::disconnected, {}, error.what(), attempt});
    }
  }
}

}  // namespace ie::cli
