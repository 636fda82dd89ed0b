#include "native/event_stream/live_batch_pool.hpp"

namespace ie {

std::shared_ptr<LiveBatch> LiveBatchPool::take(std::size_t capacity) {
  std::unique_ptr<LiveBatch> batch;
  {
    const std::lock_guard lock(mutex_);
    if (!kept_.empty()) {
      batch = std::move(kept_.back());
      kept_.pop_back();
    }
  }
  if (batch) batch->reuse(capacity);
  else batch = std::make_unique<LiveBatch>(capacity);
  return {batch.release(), [pool = shared_from_this()](LiveBatch* given) { pool->give_back(given); }};
}

// From whichever thread lets go of the batch last: a publisher dropping a listener's oldest, or a
// listener's connection once it has written what it took.
void LiveBatchPool::give_back(LiveBatch* batch) {
  std::unique_ptr<LiveBatch> returned(batch);
  if (returned->footprint() > kKeptBytes) return;
  const std::lock_guard lock(mutex_);
  if (kept_.size() < kKeptBatches) kept_.push_back(std::move(returned));
}

std::size_t LiveBatchPool::kept() const {
  const std::lock_guard lock(mutex_);
  return kept_.size();
}

}  // namespace ie
