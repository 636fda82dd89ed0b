#pragma once
// Counters in Redis, under the very keys and commands GitLab uses: PFADD, INCR (INCRBY for a
// batch's several), INCRBYFLOAT and EXPIRE, so an existing GitLab Redis and this store can read
// each other's counters.
//
// Each apply_async() is one EVALSHA of a Lua script that checks every event's id and makes the
// fresh events' writes, grouped by key: atomic, and exactly as durable as the server's own
// configuration (appendfsync) makes it. Two sender threads pipeline the calls that queue up, all
// those one takes in one round trip, so Redis runs one's calls while the other waits for replies.
// Connections come from a small pool and are reopened after failures; an unreachable server is
// StoreUnavailable, never a success.
#include <memory>
#include <string>

#include "native/store/counter_store.hpp"
#include "native/store/redis_connection.hpp"

namespace ie {

class RedisStore final : public CounterStore {
 public:
  // Connects lazily: a server that is down now is StoreUnavailable at the first call, not here.
  explicit RedisStore(RedisAddress address);
  ~RedisStore() override;
  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  // now_ms is not used: Redis expires keys by its own clock.
  void apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) override;
  std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) override;
  double sum(const std::vector<std::string>& keys, std::int64_t now_ms) override;
  // Our keys only ({hll_counters}_…, {event_counters}_…, {event_sums}_…, {event_ids}_…); expiry
  // times are now_ms plus the key's PTTL.
  std::vector<StoredKey> dump(std::int64_t now_ms) override;
  // SET key value [PXAT ms], pipelined a thousand at a time on one connection.
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
