#include "tests/support/redis_cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ie::test {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kSlots = 16384;
constexpr std::chrono::milliseconds kProbeTimeout{500};

// A port nobody listens on now, for a node's cluster bus (RedisServer picks its own client port).
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const std::string error = std::strerror(errno);
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot find a free port: " + error);
  return ntohs(address.sin_port);
}

// "name:value" lines of INFO / CLUSTER INFO; "" when absent.
std::string info_field(const std::string& info, std::string_view name) {
  std::istringstream lines(info);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 && line[name.size()] == ':') {
      return line.substr(name.size() + 1);
    }
  }
  return "";
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::istringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// One line of CLUSTER NODES: <id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch>
// <link> <slot>… where a slot is "N" or "A-B" (and "[N->-id]" for a migration, skipped).
struct NodeLine {
  std::string id;
  int port = 0;
  std::vector<std::string> flags;
  std::vector<std::pair<int, int>> slot_ranges;

  bool has_flag(std::string_view flag) const { return std::find(flags.begin(), flags.end(), flag) != flags.end(); }
  bool failing() const { return has_flag("fail") || has_flag("fail?") || has_flag("noaddr"); }
  bool serves_slots() const { return has_flag("master") && !failing() && !slot_ranges.empty(); }
};

NodeLine parse_node_line(const std::string& line) {
  const auto fields = split(line, ' ');
  if (fields.size() < 8) throw std::runtime_error("unexpected CLUSTER NODES line: " + line);
  NodeLine node;
  node.id = fields[0];
  const auto colon = fields[1].rfind(':', fields[1].find('@'));
  node.port = std::stoi(fields[1].substr(colon + 1));
  node.flags = split(fields[2], ',');
  for (std::size_t i = 8; i < fields.size(); ++i) {
    if (fields[i].front() == '[') continue;
    const auto dash = fields[i].find('-');
    const int first = std::stoi(fields[i].substr(0, dash));
    node.slot_ranges.emplace_back(first, dash == std::string::npos ? first : std::stoi(fields[i].substr(dash + 1)));
  }
  std::sort(node.slot_ranges.begin(), node.slot_ranges.end());
  return node;
}

std::vector<NodeLine> parse_cluster_nodes(const std::string& text) {
  std::vector<NodeLine> nodes;
  for (const auto& line : split(text, '\n')) nodes.push_back(parse_node_line(line));
  return nodes;
}

// The slot map as one node sees it, in a form two nodes' views compare by.
std::string slot_map_signature(const std::vector<NodeLine>& nodes) {
  std::vector<std::string> owners;
  for (const auto& node : nodes) {
    if (!node.serves_slots()) continue;
    std::string owner = node.id;
    for (const auto& [first, last] : node.slot_ranges) owner += " " + std::to_string(first) + "-" + std::to_string(last);
    owners.push_back(owner);
  }
  std::sort(owners.begin(), owners.end());
  std::string signature;
  for (const auto& owner : owners) signature += owner + "\n";
  return signature;
}

std::string text_of(const RedisReply& reply, const char* command) {
  if (reply.type != RedisReply::Type::string && reply.type != RedisReply::Type::status) {
    throw std::runtime_error(std::string(command) + " failed: " + reply.text);
  }
  return reply.text;
}

// Runs a command line, returning its exit status and what it printed (stdout and stderr).
int run(const std::string& command_line, std::string& output) {
  FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command_line + ": " + std::strerror(errno));
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

RedisCluster::RedisCluster(RedisClusterOptions options) : options_(std::move(options)) {
  if (options_.masters < 3) throw std::invalid_argument("a Redis Cluster needs at least 3 masters");
  if (options_.replicas_per_master < 0 || options_.replicas_per_master > 1) {
    throw std::invalid_argument("replicas_per_master must be 0 or 1");
  }
  start_nodes();
  create_cluster();
  wait_until_healthy();
}

RedisCluster::~RedisCluster() = default;  // each RedisServer stops and removes its directory

void RedisCluster::start_nodes() {
  const int count = options_.masters * (1 + options_.replicas_per_master);
  for (int i = 0; i < count; ++i) {
    // A bus port taken between our probe and the server's bind fails every port RedisServer tries,
    // so a failed start is retried with another bus port.
    for (int attempt = 1;; ++attempt) {
      RedisServerOptions server;
      server.config = {"cluster-enabled yes", "cluster-config-file nodes.conf",
                       "cluster-node-timeout " + std::to_string(options_.node_timeout.count()),
                       "cluster-port " + std::to_string(free_loopback_port()),
                       // a replica takes over however long it was cut off: tests kill masters at will
                       "cluster-replica-validity-factor 0",
                       // a replica's first sync starts at once, not after the default 5 s wait for others
                       "repl-diskless-sync-delay 0"};
      if (options_.durable) server.config.insert(server.config.end(), {"appendonly yes", "appendfsync always"});
      server.config.insert(server.config.end(), options_.config.begin(), options_.config.end());
      try {
        servers_.push_back(std::make_unique<RedisServer>(server));
        break;
      } catch (const std::exception&) {
        if (attempt == 3) throw;
      }
    }
  }
}

void RedisCluster::create_cluster() {
  std::string command_line = "redis-cli --cluster create";
  for (std::size_t node = 0; node < servers_.size(); ++node) command_line += " " + endpoint(node).address();
  command_line += " --cluster-replicas " + std::to_string(options_.replicas_per_master) + " --cluster-yes";
  std::string output;
  if (run(command_line, output) != 0) throw std::runtime_error(command_line + " failed:\n" + output);
  for (std::size_t node = 0; node < servers_.size(); ++node) {
    RedisClient client(*servers_[node]);
    node_ids_.push_back(text_of(client.command({"CLUSTER", "MYID"}), "CLUSTER MYID"));
  }
}

std::string RedisCluster::seeds() const {
  std::string seeds;
  for (std::size_t node = 0; node < servers_.size(); ++node) seeds += (node ? "," : "") + endpoint(node).address();
  return seeds;
}

std::string RedisCluster::url() const { return "redis-cluster://" + seeds(); }

RedisEndpoint RedisCluster::endpoint(std::size_t node) const {
  const auto& server = *servers_.at(node);
  return {server.host(), server.port()};
}

std::size_t RedisCluster::node_of(int port) const {
  for (std::size_t node = 0; node < servers_.size(); ++node) {
    if (servers_[node]->port() == port) return node;
  }
  throw std::runtime_error("CLUSTER NODES names port " + std::to_string(port) + ", not one of ours");
}

std::unique_ptr<RedisClient> RedisCluster::any_client() const {
  std::string why = "no node is running";
  for (const auto& server : servers_) {
    if (!server->running()) continue;
    try {
      return std::make_unique<RedisClient>(server->host(), server->port(), kProbeTimeout);
    } catch (const RedisClientError& error) {
      why = error.what();
    }
  }
  throw std::runtime_error("no node of the cluster answers: " + why);
}

std::string RedisCluster::cluster_nodes_text() const {
  return text_of(any_client()->command({"CLUSTER", "NODES"}), "CLUSTER NODES");
}

std::vector<RedisClusterMaster> RedisCluster::masters() const {
  std::vector<RedisClusterMaster> masters;
  for (const auto& line : parse_cluster_nodes(cluster_nodes_text())) {
    if (!line.serves_slots()) continue;
    const std::size_t node = node_of(line.port);
    masters.push_back({node, endpoint(node), line.slot_ranges});
  }
  std::sort(masters.begin(), masters.end(),
            [](const auto& a, const auto& b) { return a.slot_ranges.front() < b.slot_ranges.front(); });
  return masters;
}

RedisEndpoint RedisCluster::node_for_slot(std::uint16_t slot) const {
  if (slot >= kSlots) throw std::invalid_argument("slot " + std::to_string(slot) + " is past 16383");
  for (const auto& master : masters()) {
    for (const auto& [first, last] : master.slot_ranges) {
      if (first <= slot && slot <= last) return master.endpoint;
    }
  }
  throw std::runtime_error("no live master serves slot " + std::to_string(slot));
}

// The cluster's own CLUSTER KEYSLOT, so that this helper stays independent of ie::key_slot.
RedisEndpoint RedisCluster::node_for_key(std::string_view key) const {
  const RedisReply slot = any_client()->command({"CLUSTER", "KEYSLOT", key});
  if (slot.type != RedisReply::Type::integer) throw std::runtime_error("CLUSTER KEYSLOT failed: " + slot.text);
  return node_for_slot(static_cast<std::uint16_t>(slot.integer));
}

std::unique_ptr<RedisClient> RedisCluster::client_for_slot(std::uint16_t slot) const {
  const auto master = node_for_slot(slot);
  return std::make_unique<RedisClient>(master.host, master.port);
}

std::unique_ptr<RedisClient> RedisCluster::client_for_key(std::string_view key) const {
  const auto master = node_for_key(key);
  return std::make_unique<RedisClient>(master.host, master.port);
}

std::size_t RedisCluster::kill_master(std::size_t index) {
  const auto current = masters();
  if (index >= current.size()) {
    throw std::out_of_range("kill_master(" + std::to_string(index) + "): there are " +
                            std::to_string(current.size()) + " masters");
  }
  const std::size_t node = current[index].node;
  // RedisServer does not give out its child's pid; the server itself does (and it is our child:
  // RedisServer made sure the server on this port keeps its files in our directory).
  const std::string info = text_of(RedisClient(*servers_[node]).command({"INFO", "server"}), "INFO server");
  const pid_t pid = static_cast<pid_t>(std::stol(info_field(info, "process_id")));
  if (::kill(pid, SIGKILL) != 0) throw std::runtime_error("kill: " + std::string(std::strerror(errno)));
  servers_[node]->stop();  // only reaps it now
  killed_ids_.push_back(node_ids_[node]);
  return node;
}

void RedisCluster::stop(std::size_t node) {
  const std::string& id = node_ids_.at(node);
  bool was_master = false;
  for (const auto& master : masters()) was_master = was_master || master.node == node;
  servers_[node]->stop();
  if (was_master) killed_ids_.push_back(id);
}

void RedisCluster::start(std::size_t node) {
  servers_.at(node)->start();
  killed_ids_.erase(std::remove(killed_ids_.begin(), killed_ids_.end(), node_ids_[node]), killed_ids_.end());
}

void RedisCluster::restart(std::size_t node) {
  stop(node);
  start(node);
  wait_until_healthy();
}

void RedisCluster::wait_until_healthy() { wait_until("to become healthy", &RedisCluster::healthy); }

void RedisCluster::wait_for_failover() {
  wait_until("to fail over", &RedisCluster::failed_over);
  killed_ids_.clear();
}

void RedisCluster::wait_until(const char* what, bool (RedisCluster::*condition)(std::string&) const) {
  const auto deadline = Clock::now() + options_.ready_timeout;
  std::string why;
  while (!(this->*condition)(why)) {
    if (Clock::now() > deadline) throw std::runtime_error("the Redis Cluster failed " + std::string(what) + ": " + why);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Every running node: cluster_state:ok, all slots assigned and ok, every node known, the same slot
// map as the others, either a master serving slots or a replica whose link to its master is up, and
// done loading and rewriting its files.
bool RedisCluster::healthy(std::string& why) const {
  std::string first_signature;
  for (std::size_t node = 0; node < servers_.size(); ++node) {
    if (!servers_[node]->running()) continue;
    const std::string name = "node " + endpoint(node).address() + ": ";
    try {
      RedisClient client(servers_[node]->host(), servers_[node]->port(), kProbeTimeout);
      const std::string info = text_of(client.command({"CLUSTER", "INFO"}), "CLUSTER INFO");
      if (info_field(info, "cluster_state") != "ok") return why = name + "cluster_state is not ok", false;
      if (info_field(info, "cluster_slots_ok") != std::to_string(kSlots)) {
        return why = name + "cluster_slots_ok is " + info_field(info, "cluster_slots_ok"), false;
      }
      if (info_field(info, "cluster_known_nodes") != std::to_string(servers_.size())) {
        return why = name + "knows " + info_field(info, "cluster_known_nodes") + " nodes", false;
      }
      const auto lines = parse_cluster_nodes(text_of(client.command({"CLUSTER", "NODES"}), "CLUSTER NODES"));
      const std::string signature = slot_map_signature(lines);
      if (first_signature.empty()) first_signature = signature;
      if (signature != first_signature) return why = name + "sees another slot map than its peers", false;
      const std::string replication = text_of(client.command({"INFO", "replication"}), "INFO replication");
      const std::string role = info_field(replication, "role");
      const bool serves = std::any_of(lines.begin(), lines.end(),
                                      [](const NodeLine& line) { return line.has_flag("myself") && line.serves_slots(); });
      if (role == "master" && !serves) return why = name + "is a master without slots", false;
      if (role == "slave" && info_field(replication, "master_link_status") != "up") {
        return why = name + "is a replica whose master link is not up", false;
      }
      // A replica writing its first AOF after a sync refuses SIGTERM ("can't exit"): settled first.
      const std::string persistence = text_of(client.command({"INFO", "persistence"}), "INFO persistence");
      if (info_field(persistence, "loading") != "0" || info_field(persistence, "aof_rewrite_in_progress") != "0" ||
          info_field(persistence, "aof_rewrite_scheduled") != "0") {
        return why = name + "is still loading or rewriting its AOF", false;
      }
    } catch (const std::exception& error) {
      return why = name + error.what(), false;
    }
  }
  return true;
}

// Healthy, and in every live node's view none of the killed masters serves a slot any more.
bool RedisCluster::failed_over(std::string& why) const {
  if (!healthy(why)) return false;
  for (std::size_t node = 0; node < servers_.size(); ++node) {
    if (!servers_[node]->running()) continue;
    try {
      RedisClient client(servers_[node]->host(), servers_[node]->port(), kProbeTimeout);
      for (const auto& line : parse_cluster_nodes(text_of(client.command({"CLUSTER", "NODES"}), "CLUSTER NODES"))) {
        if (line.serves_slots() &&
            std::find(killed_ids_.begin(), killed_ids_.end(), line.id) != killed_ids_.end()) {
          return why = "node " + endpoint(node).address() + " still sees killed master " + line.id + " serve slots", false;
        }
      }
    } catch (const std::exception& error) {
      return why = "node " + endpoint(node).address() + ": " + error.what(), false;
    }
  }
  return true;
}

}  // namespace ie::test
