#pragma once
// A real Redis Cluster for tests: 3 masters (and a replica of each, when asked for), every node a
// RedisServer of its own on 127.0.0.1, joined by `redis-cli --cluster create`.
//
//   ie::test::RedisClusterOptions options;
//   options.replicas_per_master = 1;
//   ie::test::RedisCluster cluster(options);
//   open_store(cluster.url());                      // redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…
//   auto redis = cluster.client_for_key("x{ev}");   // a client on the master that serves the key
//   cluster.kill_master(0);                         // SIGKILL the master of slot 0
//   cluster.wait_for_failover();                    // its replica serves those slots now
//
// The constructor returns only once the cluster is healthy: every node says cluster_state:ok with
// all 16384 slots assigned, knows every other node, and every replica's link to its master is up.
// The topology (who is master of what) is read from CLUSTER NODES whenever it is asked for, since a
// failover changes it. The cluster bus of each node gets a free port of its own (cluster-port):
// port + 10000, Redis's default, may be past 65535 for a kernel-chosen port.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/redis_server.hpp"

namespace ie::test {

struct RedisClusterOptions {
  int masters = 3;              // Redis needs at least 3
  int replicas_per_master = 0;  // 0 or 1
  bool durable = false;         // appendonly yes + appendfsync always: acknowledged writes survive a SIGKILL
  std::vector<std::string> config;  // extra redis.conf lines for every node
  std::chrono::milliseconds node_timeout{1000};  // cluster-node-timeout: how soon a dead master fails over
  std::chrono::milliseconds ready_timeout{30000};  // for start-up, failover and restarts to settle
};

struct RedisEndpoint {
  std::string host;
  int port = 0;
  std::string address() const { return host + ":" + std::to_string(port); }
  bool operator==(const RedisEndpoint&) const = default;
};

// One master as CLUSTER NODES describes it: its node (index into RedisCluster's nodes) and its slots.
struct RedisClusterMaster {
  std::size_t node = 0;
  RedisEndpoint endpoint;
  std::vector<std::pair<int, int>> slot_ranges;  // inclusive [first, last], ascending
};

class RedisCluster {
 public:
  explicit RedisCluster(RedisClusterOptions options = {});
  ~RedisCluster();
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  std::string seeds() const;  // every node: "127.0.0.1:P1,127.0.0.1:P2,…"
  std::string url() const;    // "redis-cluster://" + seeds()

  // Every node started, in start order, running or not; redis-cli chose which are masters.
  std::size_t node_count() const { return servers_.size(); }
  RedisEndpoint endpoint(std::size_t node) const;
  bool running(std::size_t node) const { return servers_.at(node)->running(); }

  // The live masters now, ordered by their first slot: masters()[0] serves slot 0.
  std::vector<RedisClusterMaster> masters() const;
  // The master that serves `slot` (or `key`, whose slot the cluster itself computes) now.
  RedisEndpoint node_for_slot(std::uint16_t slot) const;
  RedisEndpoint node_for_key(std::string_view key) const;
  std::unique_ptr<RedisClient> client_for_slot(std::uint16_t slot) const;
  std::unique_ptr<RedisClient> client_for_key(std::string_view key) const;
  // A client on any live node, for CLUSTER commands.
  std::unique_ptr<RedisClient> any_client() const;

  // SIGKILLs masters()[index] (no shutdown, no last fsync); returns the node it was.
  std::size_t kill_master(std::size_t index);
  // Waits until the masters killed since the last wait are replaced by promoted replicas and every
  // live node says cluster_state:ok with all slots served by live masters.
  void wait_for_failover();

  // SIGTERM / start again on the same port and files (a master comes back as its successor's
  // replica); restart() waits until the cluster is healthy again.
  void stop(std::size_t node);
  void start(std::size_t node);
  void restart(std::size_t node);
  void wait_until_healthy();

 private:
  void start_nodes();
  void create_cluster();
  std::string cluster_nodes_text() const;
  bool healthy(std::string& why) const;
  void wait_until(const char* what, bool (RedisCluster::*condition)(std::string&) const);
  bool failed_over(std::string& why) const;
  std::size_t node_of(int port) const;

  RedisClusterOptions options_;
  std::vector<std::unique_ptr<RedisServer>> servers_;
  std::vector<std::string> node_ids_;    // CLUSTER MYID of each server, which survives its restarts
  std::vector<std::string> killed_ids_;  // node ids of masters killed since the last wait_for_failover
};

}  // namespace ie::test
