#include "native/store/redis_cluster_address.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>

namespace ie {

namespace {

constexpr int kMostReplicas = 16;

std::invalid_argument invalid(const std::string& url, const std::string& why) {
  return std::invalid_argument("invalid store URL '" + url + "' (" + why + "): expected redis-cluster://HOST:PORT[,HOST:PORT…][?wait=N]");
}

int parse_wait(const std::string& url, std::string_view query) {
  constexpr std::string_view kWait = "wait=";
  if (!query.starts_with(kWait)) throw invalid(url, "unknown option '" + std::string(query) + "', only wait=N");
  const std::string_view number = query.substr(kWait.size());
  int replicas = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), replicas);
  if (error != std::errc() || end != number.data() + number.size() || replicas < 0 || replicas > kMostReplicas) {
    throw invalid(url, "wait must be a number of replicas from 0 to " + std::to_string(kMostReplicas));
  }
  return replicas;
}

// One seed, "HOST:PORT" (the port is required: cluster nodes seldom run on 6379 alone).
RedisAddress parse_seed(const std::string& url, std::string_view seed) {
  if (seed.empty()) throw invalid(url, "an empty seed");
  const auto colon = seed.rfind(':');
  if (colon == std::string_view::npos || seed.substr(colon).find(']') != std::string_view::npos) {
    throw invalid(url, "seed '" + std::string(seed) + "' has no port");
  }
  try {
    RedisAddress address = RedisAddress::parse("redis://" + std::string(seed));
    if (seed.find('/') != std::string_view::npos) throw std::invalid_argument("a database");
    return address;
  } catch (const std::invalid_argument&) {
    throw invalid(url, "bad seed '" + std::string(seed) + "'");
  }
}

}  // namespace

RedisClusterAddress RedisClusterAddress::parse(const std::string& url) {
  const std::string_view scheme = kRedisClusterScheme;
  if (!url.starts_with(scheme)) throw invalid(url, "not redis-cluster://");
  std::string_view rest = std::string_view(url).substr(scheme.size());
  RedisClusterAddress address;
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    address.wait_replicas = parse_wait(url, rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  while (true) {
    const auto comma = rest.find(',');
    address.seeds.push_back(parse_seed(url, rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return address;
}

std::string RedisClusterAddress::url() const {
  std::string text = kRedisClusterScheme;
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    const RedisAddress& seed = seeds[i];
    const bool ipv6 = seed.host.find(':') != std::string::npos;
    text += (i ? "," : "") + (ipv6 ? "[" + seed.host + "]" : seed.host) + ":" + std::to_string(seed.port);
  }
  if (wait_replicas) text += "?wait=" + std::to_string(wait_replicas);
  return text;
}

}  // namespace ie
