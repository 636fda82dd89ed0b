#include "native/store/redis_cluster_router.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "core/cluster_routing.hpp"

namespace ie::redis {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kWaitTimeoutMs = 500;  // one WAIT's bound; it is repeated within the budget

double jitter() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0, 1)(random);
}

}  // namespace

// One node's share of a round: its commands, pipelined on one connection.
struct NodeBatch {
  ClusterNode* node = nullptr;
  std::vector<std::size_t> commands;
  std::vector<bool> asking;  // per command: ASKING goes before it (an ASK redirection)
  std::unique_ptr<Connection> connection;
};

// What one run() knows between rounds.
struct ClusterRouter::Round {
  struct CommandState {
    ClusterNode* ask = nullptr;  // ASK's node, for the next attempt only
    unsigned redirects = 0;
  };

  explicit Round(std::size_t size) : outcomes(size), state(size) {}

  std::uint32_t elapsed_ms() const {
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count());
  }
  void fail(std::size_t i, const std::string& why) { outcomes[i].error = std::make_exception_ptr(StoreUnavailable(why)); }
  void retry_later(std::size_t i, std::string why) {
    problem = std::move(why);
    later.push_back(i);
  }
  // A redirection: at once, unless the map keeps moving.
  void redirect(std::size_t i, const std::string& why) {
    if (++state[i].redirects > kClusterMaxRedirects) return fail(i, "the cluster redirected a command too often: " + why);
    now.push_back(i);
  }

  const Clock::time_point started = Clock::now();
  std::vector<RoutedOutcome> outcomes;
  std::vector<CommandState> state;
  std::vector<std::size_t> todo, now, later;
  std::string problem;      // why the last commands must wait, for the error when time runs out
  bool stale_map = false;   // ask the cluster for its map before the next round
  std::uint64_t map_version = 0;
};

std::vector<RoutedOutcome> ClusterRouter::run(const std::vector<RoutedCommand>& commands, bool writes) const {
  Round round(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) round.todo.push_back(i);
  unsigned attempt = 0;
  while (!round.todo.empty()) {
    if (std::exchange(round.stale_map, false)) {
      try {
        map_.refresh(round.map_version);
      } catch (const StoreUnavailable& error) {
        round.problem = error.what();
      }
    }
    round.map_version = map_.version();
    run_round(commands, round, writes);
    round.todo = std::exchange(round.now, {});
    if (round.later.empty()) continue;
    const std::uint32_t delay = cluster_retry_delay_ms(++attempt, jitter());
    if (!cluster_retry_allowed(round.elapsed_ms(), delay)) {
      for (const std::size_t i : round.later) {
        round.fail(i, "the cluster did not take it within " + std::to_string(kClusterRetryBudgetMs / 1000) + " s: " + round.problem);
      }
      round.later.clear();
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    round.todo.insert(round.todo.end(), round.later.begin(), round.later.end());
    round.later.clear();
  }
  return std::move(round.outcomes);
}

std::vector<Reply> ClusterRouter::read(const std::vector<RoutedCommand>& commands) const {
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (auto& outcome : run(commands, false)) {
    if (outcome.error) std::rethrow_exception(outcome.error);
    replies.push_back(std::move(outcome.reply));
  }
  return replies;
}

void ClusterRouter::run_round(const std::vector<RoutedCommand>& commands, Round& round, bool writes) const {
  const bool waits = writes && wait_replicas_ > 0;
  std::vector<NodeBatch> batches;
  for (const std::size_t i : round.todo) {
    ClusterNode* const asked = std::exchange(round.state[i].ask, nullptr);
    ClusterNode* node = asked;
    try {
      if (!node) node = map_.node_for_slot(commands[i].slot);
    } catch (const StoreUnavailable& error) {
      round.retry_later(i, error.what());
      continue;
    }
    if (!node) {
      round.stale_map = true;
      round.retry_later(i, "no live master serves slot " + std::to_string(commands[i].slot));
      continue;
    }
    auto batch = std::find_if(batches.begin(), batches.end(), [&](const NodeBatch& b) { return b.node == node; });
    if (batch == batches.end()) batch = batches.insert(batches.end(), NodeBatch{node, {}, {}, nullptr});
    batch->commands.push_back(i);
    batch->asking.push_back(asked != nullptr);
  }

  // Every node's pipeline goes out before any reply is read.
  for (NodeBatch& batch : batches) {
    try {
      batch.connection = batch.node->pool.take();
    } catch (const StoreUnavailable& error) {  // nothing reached the node: all may go again
      round.stale_map = true;
      for (const std::size_t i : batch.commands) round.retry_later(i, error.what());
      continue;
    }
    try {
      for (std::size_t k = 0; k < batch.commands.size(); ++k) {
        if (batch.asking[k]) batch.connection->append(Command{"ASKING"}.resp());
        batch.connection->append(commands[batch.commands[k]].resp);
      }
      if (waits) batch.connection->append(wait_command());
      batch.connection->flush();
    } catch (const StoreUnavailable& error) {
      batch.connection.reset();
      lost(commands, round, batch.commands, error.what());
    }
  }
  for (NodeBatch& batch : batches) {
    if (batch.connection) read_replies(commands, round, batch, waits);
  }
}

std::string ClusterRouter::wait_command() const {
  return Command{"WAIT"}.add_number(static_cast<std::size_t>(wait_replicas_)).add_number(kWaitTimeoutMs).resp();
}

// The connection broke with these commands in flight: they may have run.
void ClusterRouter::lost(const std::vector<RoutedCommand>& commands, Round& round, const std::vector<std::size_t>& in_flight,
                         const std::string& why) const {
  round.stale_map = true;  // the master may be gone
  for (const std::size_t i : in_flight) {
    if (commands[i].idempotent) round.retry_later(i, why);
    else round.fail(i, why + " (it may have been written; not sent again, as it carries no event ids)");
  }
}

void ClusterRouter::read_replies(const std::vector<RoutedCommand>& commands, Round& round, NodeBatch& batch, bool waits) const {
  std::vector<std::size_t> succeeded;  // replied, waiting for WAIT
  std::size_t k = 0;
  try {
    for (; k < batch.commands.size(); ++k) {
      const std::size_t i = batch.commands[k];
      if (batch.asking[k]) batch.connection->reply();  // ASKING's OK
      Reply reply = batch.connection->reply();
      if (reply->type == REDIS_REPLY_ERROR && follow(round, i, text_of(*reply))) continue;
      if (waits && reply->type != REDIS_REPLY_ERROR) succeeded.push_back(i);
      round.outcomes[i].reply = std::move(reply);
    }
    if (waits) wait_for_replicas(round, batch, succeeded);
    batch.node->pool.give_back(std::move(batch.connection));
  } catch (const StoreUnavailable& error) {
    std::vector<std::size_t> unknown(batch.commands.begin() + static_cast<std::ptrdiff_t>(k), batch.commands.end());
    unknown.insert(unknown.end(), succeeded.begin(), succeeded.end());  // written, maybe not replicated
    for (const std::size_t i : unknown) round.outcomes[i].reply.reset();
    lost(commands, round, unknown, error.what());
  }
}

// An error reply that routing answers: true when the command goes again (redirected, refused).
bool ClusterRouter::follow(Round& round, std::size_t i, std::string_view error) const {
  const ClusterReply answer = classify_cluster_error(error);
  switch (answer.kind) {
    case ClusterReplyKind::moved:
      round.stale_map = true;
      round.redirect(i, std::string(error));
      return true;
    case ClusterReplyKind::ask:
      round.state[i].ask = &map_.node_at(answer.host, answer.port);
      round.redirect(i, std::string(error));
      return true;
    case ClusterReplyKind::try_again:
      if (error.starts_with("CLUSTERDOWN")) round.stale_map = true;
      round.retry_later(i, std::string(error));
      return true;
    case ClusterReplyKind::done:
      return false;
  }
  return false;
}

// WAIT's answer: how many replicas have every write this connection made. Too few: WAIT again
// while the budget lasts (a replica catching up, or a new master whose replica is reattaching),
// then the commands fail: they are written, but not as safely as ?wait asks.
void ClusterRouter::wait_for_replicas(Round& round, NodeBatch& batch, const std::vector<std::size_t>& succeeded) const {
  long long acknowledged = batch.connection->reply()->integer;
  while (acknowledged < wait_replicas_ && round.elapsed_ms() + kWaitTimeoutMs <= kClusterRetryBudgetMs) {
    acknowledged = batch.connection->run(wait_command())->integer;
  }
  if (acknowledged >= wait_replicas_) return;
  const std::string why = batch.node->address.url() + ": " + std::to_string(acknowledged) + " of " + std::to_string(wait_replicas_) +
                          " replicas acknowledged the writes within " + std::to_string(kClusterRetryBudgetMs / 1000) + " s";
  for (const std::size_t i : succeeded) {
    round.outcomes[i].reply.reset();
    round.fail(i, why);
  }
}

}  // namespace ie::redis
