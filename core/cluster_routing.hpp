#pragma once
// How the cluster store follows a Redis Cluster as it changes (DESIGN.md, "Redis Cluster"): what an
// error reply asks of it, how long it keeps trying, and which slot an event's script runs in. The
// store owns the sockets, the clock and the sleeping; the decisions are here.
//
//   MOVED 3999 127.0.0.1:6381   the slot lives on another master now: refresh the map, send there
//   ASK 3999 127.0.0.1:6381     the slot is migrating: send ASKING, then the call, to that node once
//   TRYAGAIN, CLUSTERDOWN, …    nothing ran (a resharding or a failover in progress): wait, retry
//   connection lost             the master may be dead: refresh the map, wait, retry
// Retries stop after kClusterRetryBudgetMs; the batch is then answered 503 (never a 2xx for what
// was not written). A retried call carries the same event ids, so it changes nothing twice.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ie {

enum class ClusterReplyKind {
  done,      // not an error, or an error that no retry cures (WRONGTYPE, a script error)
  moved,     // MOVED: the slot map is stale
  ask,       // ASK: this one call goes to the node named, after ASKING
  try_again, // TRYAGAIN, CLUSTERDOWN and the other refusals Redis gives before running anything
};

struct ClusterReply {
  ClusterReplyKind kind = ClusterReplyKind::done;
  std::uint16_t slot = 0;   // for moved and ask
  std::string host;         // for moved and ask: where to go
  int port = 0;
};

// Classifies an error reply's text ("MOVED 3999 127.0.0.1:6381"); a malformed redirection is done
// (an error to report, not a place to go).
ClusterReply classify_cluster_error(std::string_view error);

inline constexpr std::uint32_t kClusterRetryBudgetMs = 10'000;
inline constexpr unsigned kClusterMaxRedirects = 16;  // per call: a map that keeps moving is a fault

// The wait before retry `attempt` (1 for the first) of calls that could not run: 50 ms doubling to
// 800 ms, with equal jitter from `random` in [0, 1). A failover takes about the cluster's node
// timeout (seconds), so a short first wait catches a resharding's TRYAGAIN, later ones a failover.
std::uint32_t cluster_retry_delay_ms(unsigned attempt, double random);

// Whether another retry fits: `elapsed_ms` since the first attempt, plus the next wait, stays
// within the budget.
bool cluster_retry_allowed(std::uint32_t elapsed_ms, std::uint32_t next_delay_ms);

// The hash tag an event's script runs under: the event name (from the first counter key it
// writes, "{hll_counters}_pull_package-user-…" → "pull_package"), so its counters, its id and its
// Snowplow copy share one slot. An event that writes no counter (forwarded only, or counted by no
// metric) has no name in its writes: it goes to one of kForwardedTags tags chosen by its id
// ("forwarded_7"), the same on every receiver, so that its id is checked in one place, and few
// enough that such events fill a few outbox streams rather than one each.
inline constexpr unsigned kForwardedTags = 16;
std::string cluster_event_tag(std::string_view first_counter_key, std::string_view event_id);

// The event name in one of our GitLab-style counter keys; empty for any other key.
std::string_view counter_key_event(std::string_view gitlab_key);

}  // namespace ie
