#pragma once
// Counters on a Redis Cluster (DESIGN.md, "Redis Cluster"), behind the same CounterStore as the
// single server: the keys are GitLab's with the braces moved to the event name
// (core/cluster_keys.hpp), so one event's counter writes, its id check and its Snowplow copy are
// one apply script in one slot, atomic; different events spread over the masters.
//
// apply_async() splits each call by event, sends every event's script to its master, every
// master's in one pipeline (redis_cluster_router), and answers once every part succeeded; a part
// that could not be written within the retry budget makes the call StoreUnavailable (a client's
// retry with the same ids changes nothing twice). Reads that span slots GET the raw HLL strings
// and union them with core's HyperLogLog, which is Redis's own format, so a metric reads the same
// here as on one Redis or the embedded store; totals and sums are added up.
#include <memory>
#include <string>

#include "native/store/counter_store.hpp"
#include "native/store/redis_cluster_address.hpp"

namespace ie {

class RedisClusterStore final : public CounterStore {
 public:
  // Connects lazily: the slot map is read at the first call.
  explicit RedisClusterStore(RedisClusterAddress address);
  ~RedisClusterStore() override;
  RedisClusterStore(const RedisClusterStore&) = delete;
  RedisClusterStore& operator=(const RedisClusterStore&) = delete;

  void apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) override;
  std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) override;
  double sum(const std::vector<std::string>& keys, std::int64_t now_ms) override;
  // Our keys on every master, named back as GitLab names them; event ids as {event_ids}_<eid>.
  std::vector<StoredKey> dump(std::int64_t now_ms) override;
  // Event ids are skipped: a cluster keeps an id in its event's slot, and a dump does not say
  // which event an id was of (the receivers' dedup window starts afresh for them).
  std::size_t restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) override;
  std::string describe() const override;
  Outbox& outbox() override;
  void set_outbox_max_events(std::uint64_t max_events) override;
  std::string setting(std::string_view name, std::string_view value_if_new) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ie
