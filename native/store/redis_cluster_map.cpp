#include "native/store/redis_cluster_map.hpp"

#include <algorithm>
#include <string_view>

namespace ie::redis {

namespace {

// A RESP2 map (CLUSTER SHARDS gives flat arrays of name, value, name, value…): the value named.
const redisReply* field(const redisReply& map, std::string_view name) {
  if (map.type != REDIS_REPLY_ARRAY) return nullptr;
  for (std::size_t i = 0; i + 1 < map.elements; i += 2) {
    if (map.element[i]->type == REDIS_REPLY_STRING && text_of(*map.element[i]) == name) return map.element[i + 1];
  }
  return nullptr;
}

bool field_is(const redisReply& map, std::string_view name, std::string_view value) {
  const redisReply* found = field(map, name);
  return found && found->type == REDIS_REPLY_STRING && text_of(*found) == value;
}

// The shard's live master: the node whose role is master and whose health is online.
const redisReply* live_master(const redisReply& shard) {
  const redisReply* nodes = field(shard, "nodes");
  if (!nodes || nodes->type != REDIS_REPLY_ARRAY) return nullptr;
  for (std::size_t i = 0; i < nodes->elements; ++i) {
    const redisReply& node = *nodes->element[i];
    if (field_is(node, "role", "master") && field_is(node, "health", "online")) return &node;
  }
  return nullptr;
}

}  // namespace

ClusterSlotMap::ClusterSlotMap(std::vector<RedisAddress> seeds) {
  for (auto& seed : seeds) nodes_.push_back(std::make_unique<ClusterNode>(std::move(seed)));
}

ClusterNode* ClusterSlotMap::node_for_slot(std::uint16_t slot) {
  const std::lock_guard lock(mutex_);
  if (version_ == 0) read_map_locked();
  return slots_[slot];
}

ClusterNode& ClusterSlotMap::node_at(const std::string& host, int port) {
  const std::lock_guard lock(mutex_);
  return node_at_locked(host, port);
}

std::vector<ClusterNode*> ClusterSlotMap::masters() {
  const std::lock_guard lock(mutex_);
  if (version_ == 0) read_map_locked();
  std::vector<ClusterNode*> masters;
  for (ClusterNode* node : slots_) {
    if (node && std::find(masters.begin(), masters.end(), node) == masters.end()) masters.push_back(node);
  }
  return masters;
}

std::uint64_t ClusterSlotMap::version() {
  const std::lock_guard lock(mutex_);
  return version_;
}

void ClusterSlotMap::refresh(std::uint64_t stale_version) {
  const std::lock_guard lock(mutex_);
  if (version_ == stale_version) read_map_locked();
}

// Asks the nodes the map knows (masters first, then the seeds and the rest) until one answers.
void ClusterSlotMap::read_map_locked() {
  std::vector<ClusterNode*> order;
  for (ClusterNode* node : slots_) {
    if (node && std::find(order.begin(), order.end(), node) == order.end()) order.push_back(node);
  }
  for (const auto& node : nodes_) {
    if (std::find(order.begin(), order.end(), node.get()) == order.end()) order.push_back(node.get());
  }
  std::string failures;
  for (ClusterNode* node : order) {
    try {
      if (read_map_from(*node)) return;
      failures += "; " + node->address.url() + ": no slots";
    } catch (const std::exception& error) {
      failures += std::string("; ") + error.what();
    }
  }
  throw StoreUnavailable("no node of the cluster told its slot map" + failures);
}

bool ClusterSlotMap::read_map_from(ClusterNode& node) {
  const Reply reply = node.pool.with_connection([](Connection& connection) {
    Reply shards = connection.run(Command{"CLUSTER", "SHARDS"}.resp());
    connection.expect_no_error(shards, "CLUSTER SHARDS");
    return shards;
  });
  std::array<ClusterNode*, kClusterSlots> slots{};
  bool any = false;
  for (std::size_t s = 0; reply->type == REDIS_REPLY_ARRAY && s < reply->elements; ++s) {
    const redisReply& shard = *reply->element[s];
    const redisReply* ranges = field(shard, "slots");
    const redisReply* master = live_master(shard);
    const redisReply* ip = master ? field(*master, "ip") : nullptr;
    const redisReply* port = master ? field(*master, "port") : nullptr;
    if (!ranges || !ip || !port || ip->type != REDIS_REPLY_STRING || port->type != REDIS_REPLY_INTEGER) continue;
    ClusterNode& serving = node_at_locked(std::string(text_of(*ip)), static_cast<int>(port->integer));
    for (std::size_t r = 0; r + 1 < ranges->elements; r += 2) {
      const long long first = ranges->element[r]->integer, last = ranges->element[r + 1]->integer;
      for (long long slot = std::max(first, 0LL); slot <= std::min(last, kClusterSlots - 1LL); ++slot) slots[slot] = &serving;
      any = true;
    }
  }
  if (!any) return false;
  slots_ = slots;
  ++version_;
  return true;
}

ClusterNode& ClusterSlotMap::node_at_locked(const std::string& host, int port) {
  for (const auto& node : nodes_) {
    if (node->address.host == host && node->address.port == port) return *node;
  }
  return *nodes_.emplace_back(std::make_unique<ClusterNode>(RedisAddress{host, port, 0}));
}

}  // namespace ie::redis
