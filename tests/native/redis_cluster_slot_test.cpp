// ie::key_slot against a real Redis Cluster: for thousands of random keys (binary bytes, braces
// anywhere, empty and unclosed hash tags, our own key shapes) it equals CLUSTER KEYSLOT. And the
// test cluster itself: it starts healthy, routes every key to the master that takes it, and a
// killed master's replica takes over.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/cluster_keys.hpp"
#include "tests/support/redis_cluster.hpp"

using ie::test::RedisClient;
using ie::test::RedisCluster;
using ie::test::RedisClusterOptions;
using ie::test::RedisReply;

namespace {

// One cluster of 3 masters for the cases that only read from it (a cluster takes ~2 s to create).
RedisCluster& shared_cluster() {
  static RedisCluster cluster;
  return cluster;
}

std::string random_bytes(std::mt19937_64& rng, std::size_t max_length) {
  std::string bytes;
  for (auto n = rng() % (max_length + 1); n > 0; --n) bytes += static_cast<char>(rng() & 0xff);
  return bytes;
}

// Text drawn mostly from braces, so that tags open, close, nest and go empty often.
std::string brace_soup(std::mt19937_64& rng, std::size_t max_length) {
  static const char alphabet[] = {'{', '}', '{', '}', 'a', 'b', '_', '-', '\0', '\xff'};
  std::string text;
  for (auto n = rng() % (max_length + 1); n > 0; --n) text += alphabet[rng() % sizeof alphabet];
  return text;
}

std::string random_key(std::mt19937_64& rng) {
  switch (rng() % 7) {
    case 0:
      return random_bytes(rng, 40);  // no structure at all
    case 1:
      return brace_soup(rng, 16);
    case 2:  // one tag somewhere: before, inside and after it anything
      return random_bytes(rng, 8) + "{" + random_bytes(rng, 12) + "}" + random_bytes(rng, 8);
    case 3:  // an empty tag, which hashes the whole key, possibly followed by a real one
      return random_bytes(rng, 6) + "{}" + random_bytes(rng, 4) + (rng() % 2 ? "{tag}" : "");
    case 4:  // a brace that never closes, or closes before it opens
      return rng() % 2 ? random_bytes(rng, 10) + "{" + random_bytes(rng, 10) : "}" + random_bytes(rng, 6) + "{x";
    case 5:  // the shapes our cluster store writes
      return "hll_counters_{event_" + std::to_string(rng() % 1000) + "}-user-2025-" + std::to_string(rng() % 12 + 1);
    default:
      return "event_ids_{" + std::to_string(rng()) + "}_" + random_bytes(rng, 20);
  }
}

// CLUSTER KEYSLOT of every key, pipelined.
std::vector<long long> cluster_key_slots(RedisClient& redis, const std::vector<std::string>& keys) {
  for (const auto& key : keys) redis.append({"CLUSTER", "KEYSLOT", key});
  std::vector<long long> slots;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const RedisReply reply = redis.read_reply();
    REQUIRE_MESSAGE(reply.type == RedisReply::Type::integer, reply.text);
    slots.push_back(reply.integer);
  }
  return slots;
}

std::string printable(const std::string& bytes) {
  static const char hex[] = "0123456789abcdef";
  std::string text;
  for (const unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      text += static_cast<char>(c);
    } else {
      text += std::string("\\x") + hex[c >> 4] + hex[c & 0xf];
    }
  }
  return text;
}

}  // namespace

TEST_CASE("RedisCluster starts healthy and routes each key to the master that takes it") {
  RedisCluster& cluster = shared_cluster();
  CHECK(cluster.url() == "redis-cluster://" + cluster.seeds());
  CHECK(cluster.node_count() == 3);

  const auto masters = cluster.masters();
  REQUIRE(masters.size() == 3);
  int next_slot = 0;  // ordered by first slot, the masters' ranges tile 0…16383
  for (const auto& master : masters) {
    for (const auto& [first, last] : master.slot_ranges) {
      CHECK(first == next_slot);
      next_slot = last + 1;
    }
  }
  CHECK(next_slot == 16384);

  for (std::size_t node = 0; node < cluster.node_count(); ++node) {
    RedisClient redis(cluster.endpoint(node).host, cluster.endpoint(node).port);
    const std::string info = redis.command({"CLUSTER", "INFO"}).text;
    CHECK_MESSAGE(info.find("cluster_state:ok") != std::string::npos, info);
  }

  for (const std::string key : {"a", "b", "hll_counters_{pull_package}-user-2025-07", "{x}y"}) {
    CHECK(cluster.client_for_key(key)->command({"SET", key, "1"}).text == "OK");
    for (const auto& master : masters) {
      if (master.endpoint == cluster.node_for_key(key)) continue;
      const RedisReply refused = RedisClient(master.endpoint.host, master.endpoint.port).command({"GET", key});
      CHECK_MESSAGE(refused.text.rfind("MOVED ", 0) == 0, refused.text);
    }
  }
}

TEST_CASE("key_slot equals CLUSTER KEYSLOT for random keys, with and without hash tags") {
  std::mt19937_64 rng(20250701);
  std::vector<std::string> keys = {"", "{}", "{", "}", "}{", "{{}}", "{a}{b}", "a{}{b}", "{user1000}.following",
                                   "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", std::string("\0{\0}", 4)};
  while (keys.size() < 4000) keys.push_back(random_key(rng));

  auto redis = shared_cluster().any_client();
  const auto expected = cluster_key_slots(*redis, keys);
  int mismatches = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto ours = ie::key_slot(keys[i]);
    if (ours == expected[i]) continue;
    if (++mismatches <= 10) FAIL_CHECK("key \"" << printable(keys[i]) << "\": ours " << ours << ", Redis " << expected[i]);
  }
  CHECK(mismatches == 0);
}

TEST_CASE("RedisCluster: a killed master's replica takes over, and the master comes back as a replica") {
  RedisClusterOptions options;
  options.replicas_per_master = 1;
  options.durable = true;
  RedisCluster cluster(options);
  REQUIRE(cluster.node_count() == 6);
  REQUIRE(cluster.masters().size() == 3);

  const std::string key = "event_counters_{pull_package}";
  const std::uint16_t slot = ie::key_slot(key);
  auto before = cluster.client_for_slot(slot);
  REQUIRE(before->command({"SET", key, "7"}).text == "OK");
  REQUIRE(before->command({"WAIT", "1", "5000"}).integer == 1);  // the replica has it too
  const auto old_master = cluster.node_for_slot(slot);

  std::size_t index = 0;
  while (cluster.masters()[index].endpoint != old_master) ++index;
  const std::size_t killed = cluster.kill_master(index);
  CHECK_FALSE(cluster.running(killed));
  cluster.wait_for_failover();

  CHECK(cluster.masters().size() == 3);
  CHECK(cluster.node_for_slot(slot) != old_master);
  CHECK(cluster.client_for_slot(slot)->command({"GET", key}).text == "7");

  cluster.start(killed);
  cluster.wait_until_healthy();
  RedisClient comeback(cluster.endpoint(killed).host, cluster.endpoint(killed).port);
  CHECK(comeback.command({"INFO", "replication"}).text.find("role:slave") != std::string::npos);
}
