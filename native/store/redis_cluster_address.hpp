#pragma once
// "redis-cluster://HOST:PORT[,HOST:PORT…][?wait=N]": the seed nodes the cluster store asks for
// the slot map, and how many replicas must have each write before it is acknowledged.
#include <string>
#include <vector>

#include "native/store/redis_connection.hpp"

namespace ie {

struct RedisClusterAddress {
  std::vector<RedisAddress> seeds;  // at least one; database 0 (a cluster has no other)
  int wait_replicas = 0;            // ?wait=N: WAIT N after a node's writes; 0: no waiting

  // Throws std::invalid_argument naming what is wrong.
  static RedisClusterAddress parse(const std::string& url);
  std::string url() const;
};

inline constexpr const char* kRedisClusterScheme = "redis-cluster://";

}  // namespace ie
