#pragma once
// The cluster store's outbox (see outbox.hpp and redis_outbox.hpp): one stream per event, in the
// event's slot, so that the apply script appends an event's Snowplow copy in the call that writes
// its counters (one slot, atomic). Each stream is a RedisOutbox of its own, with its consumer group:
// emitters on every receiver share its entries, and what a dead one claimed is taken over after
// the lease, as on a single Redis.
//
//   internal_events:outbox_{pull_package}        the event's waiting copies
//   internal_events:outbox_dead_{pull_package}   their dead letters
//
// A claim takes from one stream, the next one with entries in turn, so that a busy event does not
// starve the others. Entry ids carry their stream's tag ("pull_package/1733-0"), so remove, bury
// and renew find it. The streams are found by SCAN on every master (a few seconds apart), and each
// follows its slot to whichever master serves it now.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "native/store/outbox.hpp"
#include "native/store/redis_cluster_map.hpp"
#include "native/store/redis_outbox.hpp"

namespace ie::redis {

class RedisClusterOutbox final : public Outbox {
 public:
  explicit RedisClusterOutbox(ClusterSlotMap& map) : map_(map) {}

  std::vector<OutboxEntry> claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) override;
  void renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t now_ms) override;
  void release(std::string_view owner) override;
  void remove(const std::vector<OutboxEntry>& entries) override;
  void bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) override;
  OutboxStatus status(std::int64_t now_ms) override;
  std::vector<DeadLetter> dead_letters(std::size_t limit) override;
  std::size_t retry_dead() override;

 private:
  struct Stream {
    ClusterNode* node = nullptr;  // where its RedisOutbox talks to; re-made when the slot moves
    std::unique_ptr<RedisOutbox> outbox;
  };
  using Entries = std::map<std::string, std::vector<OutboxEntry>>;  // by tag, ids without the tag

  void discover_locked(std::int64_t now_ms, bool now);
  template <typename Use>
  auto with_stream(const std::string& tag, Use&& use);
  static Entries by_stream(const std::vector<OutboxEntry>& entries);

  ClusterSlotMap& map_;
  std::mutex mutex_;
  std::map<std::string, Stream> streams_;  // by tag
  std::int64_t discovered_at_ms_ = -1;
  std::string next_tag_;  // where the next claim starts looking
};

}  // namespace ie::redis
