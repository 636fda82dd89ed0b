#pragma once
// The Redis store's outbox (see outbox.hpp): a Redis Stream that the apply script appends to
// (XADD, in the script that writes the event's counters), read by a consumer group whose consumers
// are the emitters of every receiver on this Redis.
//
//   internal_events:outbox        stream, entries {p: payload}; the entry id's time is when it was queued
//   internal_events:outbox_dead   stream, entries {p, queued_at, status, reason}
//   internal_events:settings      hash: the installation's settings (its instance secret)
//
// A claim is Redis's own: XREADGROUP hands new entries to one consumer, and an entry stays in
// that consumer's pending list until XACK. What a dead receiver held is taken over by XAUTOCLAIM
// once it has been idle for the lease (kOutboxLeaseMs); a live emitter that retries keeps its
// entries by XCLAIM-ing them again, which resets their idle time.
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "native/store/outbox.hpp"
#include "native/store/redis_connection.hpp"

namespace ie::redis {

inline constexpr std::string_view kOutboxKey = "internal_events:outbox";
inline constexpr std::string_view kDeadLettersKey = "internal_events:outbox_dead";
inline constexpr std::string_view kSettingsKey = "internal_events:settings";
inline constexpr std::string_view kEmitterGroup = "emitters";

class RedisOutbox final : public Outbox {
 public:
  // The cluster store names a stream pair per event (core/cluster_keys.hpp), on that slot's node.
  explicit RedisOutbox(ConnectionPool& pool, std::string stream = std::string(kOutboxKey),
                       std::string dead_letters = std::string(kDeadLettersKey))
      : pool_(pool), stream_(std::move(stream)), dead_letters_(std::move(dead_letters)) {}

  std::vector<OutboxEntry> claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) override;
  void renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t now_ms) override;
  void release(std::string_view owner) override;
  void remove(const std::vector<OutboxEntry>& entries) override;
  void bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) override;
  OutboxStatus status(std::int64_t now_ms) override;
  std::vector<DeadLetter> dead_letters(std::size_t limit) override;
  std::size_t retry_dead() override;

 private:
  void make_group(Connection& connection);
  std::vector<OutboxEntry> read_claimed(Connection& connection, std::string_view owner, std::size_t count);

  ConnectionPool& pool_;
  const std::string stream_;
  const std::string dead_letters_;
  std::mutex mutex_;
  bool group_made_ = false;
  // Claimed past a batch's bytes: the next claim's first entries, renewed with the batch.
  std::map<std::string, std::vector<OutboxEntry>, std::less<>> carried_;  // by owner
};

}  // namespace ie::redis
