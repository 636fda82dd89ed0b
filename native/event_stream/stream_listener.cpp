#include "native/event_stream/stream_listener.hpp"

#include <algorithm>

#include "core/live_event.hpp"

namespace ie {

bool StreamListener::wants(std::string_view event) const {
  return events_.empty() || std::find(events_.begin(), events_.end(), event) != events_.end();
}

void StreamListener::on_ready(std::function<void()> ready) {
  const std::lock_guard lock(mutex_);
  ready_ = std::move(ready);
  wake();
}

std::string StreamListener::take() {
  std::deque<Message> taken;
  std::uint64_t lost = 0;
  {
    const std::lock_guard lock(mutex_);
    taken.swap(waiting_);
    waiting_bytes_ = 0;
    lost = std::exchange(lost_since_take_, 0);
    woken_ = false;
  }
  std::string out = lost ? lost_events_message(lost) : std::string{};
  for (const auto& message : taken) out += server_sent_event("tracked", message.id, message.record->data());
  return out;
}

void StreamListener::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
  ready_ = nullptr;
  waiting_.clear();
  waiting_bytes_ = 0;
}

bool StreamListener::closed() const {
  const std::lock_guard lock(mutex_);
  return closed_;
}

void StreamListener::push(const std::vector<Message>& messages) {
  const std::lock_guard lock(mutex_);
  for (const auto& message : messages) {
    if (wants(message.record->name)) append(message);
  }
  wake();
}

void StreamListener::append(const Message& message) {
  if (closed_) return;
  waiting_.push_back(message);
  waiting_bytes_ += message.record->estimated_bytes;
  while (waiting_.size() > 1 && (waiting_bytes_ > kMaxBytes || waiting_.size() > kMaxMessages)) drop_oldest();
}

void StreamListener::wake() {
  if (!woken_ && ready_ && !waiting_.empty()) {
    woken_ = true;
    ready_();
  }
}

void StreamListener::drop_oldest() {
  waiting_bytes_ -= waiting_.front().record->estimated_bytes;
  waiting_.pop_front();
  ++lost_since_take_;
  ++lost_total_;
}

std::uint64_t StreamListener::lost_total() const {
  const std::lock_guard lock(mutex_);
  return lost_total_;
}

}  // namespace ie
