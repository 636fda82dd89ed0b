#pragma once
// Which master serves which slot, as the cluster last said (CLUSTER SHARDS), and a connection
// pool per node. The cluster store asks it where each call goes and tells it when the cluster
// said otherwise (MOVED, a lost connection): refresh() then asks again, once for all the threads
// that noticed at the same time.
//
// Nodes are never forgotten, only unmapped: a caller may hold one's pool while the map changes,
// and a failed master usually comes back (as a replica, to be mapped again after a failover back).
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/cluster_keys.hpp"
#include "native/store/redis_connection.hpp"

namespace ie::redis {

struct ClusterNode {
  explicit ClusterNode(RedisAddress where) : address(std::move(where)), pool(address) {}
  const RedisAddress address;
  ConnectionPool pool;
};

class ClusterSlotMap {
 public:
  explicit ClusterSlotMap(std::vector<RedisAddress> seeds);

  // The master serving `slot`, asking the cluster first when the map was never read; nullptr
  // while no live master serves it (a failover in progress). StoreUnavailable when no node answers.
  ClusterNode* node_for_slot(std::uint16_t slot);

  // The node at host:port, a redirection's target; made when it is new.
  ClusterNode& node_at(const std::string& host, int port);

  // Each master once, for what visits them all (SCAN, dumps); reads the map first when needed.
  std::vector<ClusterNode*> masters();

  // The map's version: a caller that saw a stale answer passes the version it used, and only the
  // first such refresh() asks the cluster; the others find the map already newer.
  std::uint64_t version();
  void refresh(std::uint64_t stale_version);

 private:
  void read_map_locked();
  bool read_map_from(ClusterNode& node);
  ClusterNode& node_at_locked(const std::string& host, int port);

  std::mutex mutex_;
  std::vector<std::unique_ptr<ClusterNode>> nodes_;  // the seeds first, then every node seen
  std::array<ClusterNode*, kClusterSlots> slots_{};
  std::uint64_t version_ = 0;  // 0: never read
};

}  // namespace ie::redis
