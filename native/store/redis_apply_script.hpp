#pragma once
// The Lua script that applies a batch of events to Redis (their id checks, counter writes and
// Snowplow copies, atomically), and the arguments it reads. Shared by the single-server store,
// which sends a batch as one call, and the cluster store, which sends one call per event name:
// all of one event's keys share its slot there (core/cluster_keys.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "native/store/counter_store.hpp"
#include "native/store/redis_connection.hpp"

namespace ie::redis {

extern const std::string_view kApplyScript;

// Where one call's keys live: a single Redis under GitLab's names (cluster_event empty), or one
// event's slot of a cluster under the names DESIGN.md gives there.
struct ScriptKeySpace {
  std::string_view cluster_event{};

  void add_event_id_key(Command& call, std::string_view event_id) const;
  void add_counter_key(Command& call, std::string_view gitlab_key) const;
  std::string outbox_key() const;
};

// The script's arguments for these events: EVALSHA or EVAL and the script go before them.
Command script_arguments(const std::vector<EventWrites>& events, std::uint64_t outbox_max_events, const ScriptKeySpace& space);

}  // namespace ie::redis
