#pragma once
// Runs commands on a Redis Cluster: each on the master of its slot, all of one node's in one
// pipeline, every node's pipeline sent before any reply is read, so a batch costs about one round
// trip however many masters it touches. It follows the cluster as it changes, with the decisions
// of core/cluster_routing.hpp: MOVED refreshes the slot map and goes again at once, ASK sends
// ASKING and the command to the node named, refusals (TRYAGAIN, CLUSTERDOWN…) and lost connections
// wait and go again, within kClusterRetryBudgetMs.
//
// A command whose connection broke after it was sent may have run. It is sent again only when it
// is idempotent (a read, or an apply whose every event carries an id that the script checks);
// otherwise it fails with StoreUnavailable, as the single-Redis store fails, and the client decides.
//
// With wait_replicas (?wait=N), each node's pipeline ends with WAIT N: its commands succeed only
// once N replicas have their writes, and fail with StoreUnavailable when they do not within the
// budget (the writes may stay; a client's retry with the same ids changes nothing twice).
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "native/store/redis_cluster_map.hpp"

namespace ie::redis {

struct RoutedCommand {
  std::uint16_t slot = 0;
  std::string resp;
  bool idempotent = true;  // may be sent again after a connection broke with it in flight
};

// A command's final reply (which may be an error reply no retry cures: WRONGTYPE, NOSCRIPT), or
// why it has none (StoreUnavailable).
struct RoutedOutcome {
  Reply reply;
  std::exception_ptr error;
};

struct NodeBatch;

class ClusterRouter {
 public:
  ClusterRouter(ClusterSlotMap& map, int wait_replicas) : map_(map), wait_replicas_(wait_replicas) {}

  std::vector<RoutedOutcome> run(const std::vector<RoutedCommand>& commands, bool writes) const;

  // run() for reads: every reply, or the first failure thrown.
  std::vector<Reply> read(const std::vector<RoutedCommand>& commands) const;

 private:
  struct Round;
  void run_round(const std::vector<RoutedCommand>& commands, Round& round, bool writes) const;
  void read_replies(const std::vector<RoutedCommand>& commands, Round& round, NodeBatch& batch, bool waits) const;
  bool follow(Round& round, std::size_t i, std::string_view error) const;
  void wait_for_replicas(Round& round, NodeBatch& batch, const std::vector<std::size_t>& succeeded) const;
  void lost(const std::vector<RoutedCommand>& commands, Round& round, const std::vector<std::size_t>& in_flight,
            const std::string& why) const;
  std::string wait_command() const;

  ClusterSlotMap& map_;
  const int wait_replicas_;
};

}  // namespace ie::redis
