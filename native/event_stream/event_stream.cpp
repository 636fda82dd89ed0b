#include "native/event_stream/event_stream.hpp"

#include <algorithm>

#include "core/live_event.hpp"

namespace ie {

std::shared_ptr<StreamListener> EventStream::listen(std::vector<std::string> events) {
  auto listener = std::make_shared<StreamListener>(std::move(events));
  const std::lock_guard lock(mutex_);
  forget_closed();
  listening_.push_back(listener);
  listeners_.store(listening_.size(), std::memory_order_relaxed);
  return listener;
}

void EventStream::forget_closed() {
  std::erase_if(listening_, [](const auto& listener) { return listener->closed(); });
  listeners_.store(listening_.size(), std::memory_order_relaxed);
}

std::size_t EventStream::listener_count() {
  const std::lock_guard lock(mutex_);
  forget_closed();
  return listening_.size();
}

void EventStream::publish(std::vector<Published> messages) {
  std::vector<std::shared_ptr<StreamListener>> listeners;
  {
    const std::lock_guard lock(mutex_);
    forget_closed();
    listeners = listening_;
  }
  for (auto& published : messages) {
    const std::uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
    const auto message = std::make_shared<const std::string>(server_sent_event("tracked", id, published.data));
    for (const auto& listener : listeners) {
      if (listener->wants(published.event)) listener->push(message);
    }
  }
}

}  // namespace ie
