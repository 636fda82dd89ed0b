#include "native/store/redis_cluster_store.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <unordered_map>

#include "core/cluster_keys.hpp"
#include "core/cluster_routing.hpp"
#include "core/hll.hpp"
#include "native/store/redis_apply_script.hpp"
#include "native/store/redis_cluster_map.hpp"
#include "native/store/redis_cluster_outbox.hpp"
#include "native/store/redis_cluster_router.hpp"
#include "native/store/redis_outbox.hpp"
#include "native/store/redis_senders.hpp"

namespace ie {

namespace {

using redis::ClusterNode;
using redis::Command;
using redis::Connection;
using redis::Pending;
using redis::Reply;
using redis::RoutedCommand;
using redis::RoutedOutcome;
using redis::text_of;

// EVALSHA needs the script's SHA-1, which every node computes alike: known here without asking.
std::string sha1_hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char byte : digest) hex.append({kHex[byte >> 4], kHex[byte & 15]});
  return hex;
}

std::uint16_t tag_slot(std::string_view tag) { return static_cast<std::uint16_t>(crc16_xmodem(tag) % kClusterSlots); }

// A key as the cluster names it: counters with their braces moved; anything else as it is.
std::string cluster_key(const std::string& gitlab_key) { return cluster_counter_key(gitlab_key).value_or(gitlab_key); }

RoutedCommand keyed(const std::string& key, Command command) { return {key_slot(key), command.resp(), true}; }

// One event's events of one call: one script in the event's slot.
struct ScriptCall {
  std::size_t pending = 0;
  std::string tag;
  Command arguments;
  bool idempotent = true;  // every event has an id, which the script checks
};

// The calls of a queue's worth of apply_async(): each call's events grouped by their tag, in order.
std::vector<ScriptCall> script_calls(std::vector<Pending>& batch, std::uint64_t outbox_max_events) {
  std::vector<ScriptCall> calls;
  for (std::size_t p = 0; p < batch.size(); ++p) {
    std::vector<std::pair<std::string, std::vector<EventWrites>>> groups;
    for (EventWrites& event : batch[p].events) {
      std::string tag = cluster_event_tag(event.writes.empty() ? std::string_view{} : event.writes.front().key.str(), event.event_id);
      auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == tag; });
      if (group == groups.end()) group = groups.insert(groups.end(), {std::move(tag), {}});
      group->second.push_back(std::move(event));
    }
    for (auto& [tag, events] : groups) {
      const bool idempotent = std::all_of(events.begin(), events.end(), [](const EventWrites& e) { return !e.event_id.empty(); });
      Command arguments = redis::script_arguments(events, outbox_max_events, redis::ScriptKeySpace{tag});
      calls.push_back({p, std::move(tag), std::move(arguments), idempotent});
    }
  }
  return calls;
}

// The script's {applied, duplicates, dropped}, or why there is none.
void add_result(const RoutedOutcome& outcome, ApplyResult& result, std::exception_ptr& error) {
  if (error) return;
  if (outcome.error) {
    error = outcome.error;
    return;
  }
  const redisReply& reply = *outcome.reply;
  if (reply.type == REDIS_REPLY_ERROR) {
    error = std::make_exception_ptr(std::runtime_error("redis cluster: apply script: " + std::string(text_of(reply))));
    return;
  }
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) {
    error = std::make_exception_ptr(std::runtime_error("redis cluster: unexpected script reply"));
    return;
  }
  result.applied += static_cast<std::size_t>(reply.element[0]->integer);
  result.duplicates += static_cast<std::size_t>(reply.element[1]->integer);
  result.snowplow_dropped += static_cast<std::size_t>(reply.element[2]->integer);
}

bool unknown_script(const RoutedOutcome& outcome) {
  return !outcome.error && outcome.reply->type == REDIS_REPLY_ERROR && text_of(*outcome.reply).starts_with("NOSCRIPT");
}

std::optional<double> parse_number(std::string_view text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// Our key names on a cluster, for SCAN: counters, event ids.
constexpr std::array<std::string_view, 4> kClusterPatterns = {"hll_counters_{*", "event_counters_{*", "event_sums_{*", "event_ids_{*"};

// "event_ids_{pull_package}_<eid>" → "{event_ids}_<eid>", as the other stores name it.
std::optional<std::string> gitlab_event_id_key(std::string_view key) {
  constexpr std::string_view kPrefix = "event_ids_{";
  if (!key.starts_with(kPrefix)) return std::nullopt;
  const auto close = key.find("}_", kPrefix.size());
  if (close == std::string_view::npos) return std::nullopt;
  return std::string(kEventIdKeyPrefix) + std::string(key.substr(close + 2));
}

std::optional<std::string> gitlab_name(std::string_view cluster_key) {
  if (auto counter = gitlab_counter_key(cluster_key)) return counter;
  return gitlab_event_id_key(cluster_key);
}

constexpr std::size_t kRestoreChunk = 1000;

}  // namespace

struct RedisClusterStore::Impl {
  explicit Impl(RedisClusterAddress where)
      : address(std::move(where)), map(address.seeds), router(map, address.wait_replicas), outbox(map) {}

  // Every call's scripts at once, each on its master; a master that lost the script (a restart,
  // a promoted replica) answers NOSCRIPT, and those go again as EVAL, which caches it there.
  void send(std::vector<Pending>& batch) {
    std::vector<ScriptCall> calls;
    try {
      calls = script_calls(batch, outbox_max_events);
    } catch (...) {
      for (auto& pending : batch) pending.done(std::current_exception(), {});
      return;
    }
    std::vector<RoutedCommand> commands;
    for (const auto& call : calls) commands.push_back({tag_slot(call.tag), call.arguments.resp({"EVALSHA", sha}), call.idempotent});
    std::vector<RoutedOutcome> outcomes = router.run(commands, true);
    std::vector<std::size_t> again;
    std::vector<RoutedCommand> as_eval;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      if (!unknown_script(outcomes[i])) continue;
      again.push_back(i);
      as_eval.push_back({commands[i].slot, calls[i].arguments.resp({"EVAL", redis::kApplyScript}), calls[i].idempotent});
    }
    if (!again.empty()) {
      std::vector<RoutedOutcome> evaluated = router.run(as_eval, true);
      for (std::size_t k = 0; k < again.size(); ++k) outcomes[again[k]] = std::move(evaluated[k]);
    }
    answer(batch, calls, outcomes);
  }

  // A call succeeds when each of its scripts did.
  static void answer(std::vector<Pending>& batch, const std::vector<ScriptCall>& calls, const std::vector<RoutedOutcome>& outcomes) {
    std::vector<ApplyResult> results(batch.size());
    std::vector<std::exception_ptr> errors(batch.size());
    for (std::size_t i = 0; i < calls.size(); ++i) add_result(outcomes[i], results[calls[i].pending], errors[calls[i].pending]);
    for (std::size_t p = 0; p < batch.size(); ++p) batch[p].done(errors[p], errors[p] ? ApplyResult{} : results[p]);
  }

  // GET of every key, wherever it lives.
  std::vector<Reply> get_all(const std::vector<std::string>& keys) {
    std::vector<RoutedCommand> gets;
    gets.reserve(keys.size());
    for (const auto& key : keys) {
      const std::string name = cluster_key(key);
      gets.push_back(keyed(name, Command{"GET", name}));
    }
    return router.read(gets);
  }

  std::vector<StoredKey> dump_master(ClusterNode& master, std::int64_t now_ms) {
    std::vector<std::string> keys;
    master.pool.with_connection([&](Connection& connection) {
      for (const std::string_view pattern : kClusterPatterns) {
        std::string cursor = "0";
        do {
          const Reply page = connection.run(Command{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}.resp());
          connection.expect_no_error(page, "SCAN");
          cursor = std::string(text_of(*page->element[0]));
          for (std::size_t i = 0; i < page->element[1]->elements; ++i) keys.emplace_back(text_of(*page->element[1]->element[i]));
        } while (cursor != "0");
      }
    });
    std::vector<RoutedCommand> reads;
    for (const auto& key : keys) {
      reads.push_back(keyed(key, Command{"GET", key}));
      reads.push_back(keyed(key, Command{"PTTL", key}));
    }
    const std::vector<Reply> replies = router.read(reads);
    std::vector<StoredKey> stored;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const redisReply& value = *replies[2 * k];
      const long long ttl = replies[2 * k + 1]->integer;
      const auto name = gitlab_name(keys[k]);
      if (!name || value.type != REDIS_REPLY_STRING || ttl == -2) continue;  // not ours, gone, or not a string
      stored.push_back({*name, std::string(text_of(value)), ttl < 0 ? 0 : now_ms + ttl});
    }
    return stored;
  }

  RedisClusterAddress address;
  redis::ClusterSlotMap map;
  redis::ClusterRouter router;
  const std::string sha = sha1_hex(redis::kApplyScript);
  std::atomic<std::uint64_t> outbox_max_events{kDefaultOutboxMaxEvents};
  redis::RedisClusterOutbox outbox;
  redis::RedisSenders senders{"ie-cluster-send", [this](std::vector<Pending>& batch) { send(batch); }};  // last: stops first
};

RedisClusterStore::RedisClusterStore(RedisClusterAddress address) : impl_(std::make_unique<Impl>(std::move(address))) {}

RedisClusterStore::~RedisClusterStore() = default;

void RedisClusterStore::apply_async(std::vector<EventWrites> events, std::int64_t, ApplyDone done) {
  impl_->senders.push(std::move(events), std::move(done));
}

// PFCOUNT of several keys merges them and counts the union: the same here, from the raw strings.
std::uint64_t RedisClusterStore::count_unique(const std::vector<std::string>& keys, std::int64_t) {
  if (keys.empty()) return 0;
  const std::vector<Reply> values = impl_->get_all(keys);
  HyperLogLogUnion all;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const redisReply& value = *values[i];
    if (value.type == REDIS_REPLY_NIL) continue;
    if (value.type == REDIS_REPLY_ERROR) throw std::runtime_error(describe() + ": GET " + keys[i] + ": " + std::string(text_of(value)));
    try {
      all.add_redis_bytes(text_of(value));
    } catch (const HllCorruptError& error) {
      throw std::runtime_error(describe() + ": counter " + keys[i] + " holds no HyperLogLog: " + error.what());
    }
  }
  return all.count();
}

double RedisClusterStore::sum(const std::vector<std::string>& keys, std::int64_t) {
  if (keys.empty()) return 0;
  const std::vector<Reply> values = impl_->get_all(keys);
  double total = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const redisReply& value = *values[i];
    if (value.type == REDIS_REPLY_NIL) continue;
    const auto number = value.type == REDIS_REPLY_STRING ? parse_number(text_of(value)) : std::nullopt;
    if (!number) throw std::runtime_error(describe() + ": counter " + keys[i] + " holds no number");
    total += *number;
  }
  return total;
}

std::vector<StoredKey> RedisClusterStore::dump(std::int64_t now_ms) {
  std::vector<StoredKey> stored;
  for (ClusterNode* master : impl_->map.masters()) {
    for (auto& key : impl_->dump_master(*master, now_ms)) stored.push_back(std::move(key));
  }
  std::sort(stored.begin(), stored.end(), [](const StoredKey& a, const StoredKey& b) { return a.key < b.key; });
  // SCAN may return a key twice.
  stored.erase(std::unique(stored.begin(), stored.end(), [](const StoredKey& a, const StoredKey& b) { return a.key == b.key; }),
               stored.end());
  return stored;
}

std::size_t RedisClusterStore::restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) {
  std::vector<RoutedCommand> sets;
  std::size_t written = 0;
  const auto flush = [&] {
    for (const auto& reply : impl_->router.read(sets)) {
      if (reply->type == REDIS_REPLY_ERROR) throw std::runtime_error(describe() + ": SET: " + std::string(text_of(*reply)));
    }
    written += sets.size();
    sets.clear();
  };
  for (const auto& key : keys) {
    const auto name = cluster_counter_key(key.key);
    if (!name || (key.expires_at_ms != 0 && key.expires_at_ms < now_ms)) continue;  // an event id, or expired
    Command set{"SET", *name, key.value};
    if (key.expires_at_ms != 0) set.add("PXAT").add_number(static_cast<std::size_t>(key.expires_at_ms));
    sets.push_back(keyed(*name, std::move(set)));
    if (sets.size() == kRestoreChunk) flush();
  }
  if (!sets.empty()) flush();
  return written;
}

std::string RedisClusterStore::describe() const { return impl_->address.url(); }

Outbox& RedisClusterStore::outbox() { return impl_->outbox; }

// The bound is per event on a cluster: each event's script sees only its own stream.
void RedisClusterStore::set_outbox_max_events(std::uint64_t max_events) { impl_->outbox_max_events = max_events; }

// HSETNX, then HGET, in the settings hash's slot: the first receiver's value is everyone's.
std::string RedisClusterStore::setting(std::string_view name, std::string_view value_if_new) {
  const std::string key(redis::kSettingsKey);
  const std::vector<Reply> replies =
      impl_->router.read({keyed(key, Command{"HSETNX", key, name, value_if_new}), keyed(key, Command{"HGET", key, name})});
  for (const auto& reply : replies) {
    if (reply->type == REDIS_REPLY_ERROR) throw std::runtime_error(describe() + ": settings: " + std::string(text_of(*reply)));
  }
  return std::string(text_of(*replies[1]));
}

}  // namespace ie
