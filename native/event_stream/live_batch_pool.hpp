#pragma once
// The live event stream's batches, given back when the last listener lets go of one and filled
// again by the tracker: in steady state, with someone listening, publishing allocates and frees
// nothing per event.
//
// Why: a batch made new for every request and freed when a stalled listener dropped it, 500 events
// later, cost batched ingest about a tenth of its rate (bench/event_stream.sh): perf put 2.7 % of
// the receiver's samples in freeing the records cold, on the store's thread, and about 2 % in
// constructing 50 records in a fresh block of 18 KB (page faults, and the other core's TLB flushed
// when jemalloc gave the block back). A recycled batch appends to the buffers it kept.
//
// What it keeps is bounded: kKeptBatches, each with at most kKeptBytes of memory; a larger one is
// freed, so one batch of large events does not stay resident. A batch may outlive the stream:
// each holds the pool.
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "native/event_stream/live_batch.hpp"

namespace ie {

class LiveBatchPool : public std::enable_shared_from_this<LiveBatchPool> {
 public:
  // Two stalled listeners' backlogs of 50-event batches (StreamListener::kMaxMessages), and some.
  static constexpr std::size_t kKeptBatches = 32;
  static constexpr std::size_t kKeptBytes = 256 << 10;

  static std::shared_ptr<LiveBatchPool> make() { return std::shared_ptr<LiveBatchPool>(new LiveBatchPool); }

  // An empty batch with room for `capacity` records, recycled when one is kept.
  std::shared_ptr<LiveBatch> take(std::size_t capacity);

  std::size_t kept() const;

 private:
  LiveBatchPool() = default;
  void give_back(LiveBatch* batch);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<LiveBatch>> kept_;
};

}  // namespace ie
