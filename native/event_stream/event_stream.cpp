#include "native/event_stream/event_stream.hpp"

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

void EventStream::publish(const std::vector<std::shared_ptr<const LiveRecord>>& records) {
  std::vector<std::shared_ptr<StreamListener>> listeners;
  {
    const std::lock_guard lock(mutex_);
    forget_closed();
    listeners = listening_;
  }
  std::uint64_t id = next_id_.fetch_add(records.size(), std::memory_order_relaxed);
  std::vector<StreamListener::Message> messages;
  messages.reserve(records.size());
  for (const auto& record : records) messages.push_back({record, id++});
  for (const auto& listener : listeners) listener->push(messages);
}

}  // namespace ie
