#pragma once
// The receiver's live event stream (GET /-/events): the listeners, and the messages the tracker
// publishes to them once a batch is committed.
//
// It costs nothing while nobody listens: the tracker asks listening() (one relaxed atomic load per
// batch) and keeps no record at all when it is false. With listeners, each event's record is shared
// by every listener that wants it, and rendered once; batches are recycled (live_batch_pool.hpp).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "native/event_stream/live_batch_pool.hpp"
#include "native/event_stream/stream_listener.hpp"

namespace ie {

class EventStream {
 public:
  bool listening() const { return listeners_.load(std::memory_order_relaxed) > 0; }

  // The listener stays until it is closed (its connection ends); the next publish() forgets it.
  std::shared_ptr<StreamListener> listen(std::vector<std::string> events);

  // An empty batch for the tracker to fill with room for `capacity` records; publish() it.
  std::shared_ptr<LiveBatch> batch(std::size_t capacity) { return batches_->take(capacity); }

  // From the store's thread, after the commit: never waits for a listener.
  // Sets the batch's first message id.
  void publish(std::shared_ptr<LiveBatch> batch);

  std::size_t listener_count();  // open ones
  std::uint64_t published_total() const { return next_id_.load(std::memory_order_relaxed) - 1; }

 private:
  void forget_closed();  // under mutex_
  std::mutex mutex_;
  std::vector<std::shared_ptr<StreamListener>> listening_;
  std::atomic<std::size_t> listeners_{0};
  std::atomic<std::uint64_t> next_id_{1};  // SSE ids, so a listener sees gaps
  const std::shared_ptr<LiveBatchPool> batches_ = LiveBatchPool::make();
};

}  // namespace ie
