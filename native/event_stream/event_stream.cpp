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

void EventStream::publish(std::shared_ptr<LiveBatch> batch) {
  if (batch->size() == 0) return;
  std::vector<std::shared_ptr<StreamListener>> listeners;
  {
    const std::lock_guard lock(mutex_);
    forget_closed();
    listeners = listening_;
  }
  batch->first_id = next_id_.fetch_add(batch->size(), std::memory_order_relaxed);
  const std::shared_ptr<const LiveBatch> shared = std::move(batch);
  for (const auto& listener : listeners) listener->push(shared);
}

}  // namespace ie
