#include "native/store/redis_store.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "native/store/redis_apply_script.hpp"
#include "native/store/redis_connection.hpp"
#include "native/store/redis_outbox.hpp"
#include "native/store/redis_senders.hpp"

namespace ie {

namespace {

using redis::Command;
using redis::Connection;
using redis::ConnectionPool;
using redis::Reply;
using redis::text_of;
using redis::kApplyScript;
using redis::script_arguments;
using redis::ScriptKeySpace;

constexpr std::array<std::string_view, 4> kOurPrefixes = {"{hll_counters}_", "{event_counters}_", "{event_sums}_",
                                                          "{event_ids}_"};

std::optional<double> parse_number(std::string_view text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// SETs a restore sends before it reads their replies: a round trip per chunk, and a bounded buffer.
constexpr std::size_t kRestoreChunk = 1000;

bool ours(std::string_view key) {
  return std::any_of(kOurPrefixes.begin(), kOurPrefixes.end(), [&](std::string_view prefix) { return key.starts_with(prefix); });
}

}  // namespace

RedisAddress RedisAddress::parse(const std::string& url) {
  const auto invalid = [&](const std::string& why) {
    return std::invalid_argument("invalid store URL '" + url + "' (" + why + "): expected redis://HOST:PORT[/DB]");
  };
  constexpr std::string_view scheme = "redis://";
  if (!url.starts_with(scheme)) throw invalid("not redis://");
  std::string_view rest = std::string_view(url).substr(scheme.size());
  RedisAddress address;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view database = rest.substr(slash + 1);
    const auto [end, error] = std::from_chars(database.data(), database.data() + database.size(), address.database);
    if (error != std::errc() || end != database.data() + database.size() || address.database < 0) throw invalid("bad DB number");
    rest = rest.substr(0, slash);
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.substr(colon).find(']') == std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (error != std::errc() || end != port.data() + port.size() || address.port < 1 || address.port > 65535) throw invalid("bad port");
    rest = rest.substr(0, colon);
  }
  if (rest.size() >= 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  if (rest.empty()) throw invalid("no host");
  address.host = std::string(rest);
  return address;
}

std::string RedisAddress::url() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "redis://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" + std::to_string(database);
}

// How one script call ended.
struct Outcome {
  std::exception_ptr error;
  ApplyResult result;
};

struct RedisStore::Impl {
  explicit Impl(RedisAddress where) : address(std::move(where)), pool(address) {}

  // Each call is answered as soon as its reply arrives, not after the pipeline's last: its
  // request can then come back with the next batch while Redis still runs the others.
  void send(std::vector<redis::Pending>& batch) {
    std::vector<bool> answered(batch.size());
    const auto answer = [&](std::size_t i, const Outcome& outcome) {
      answered[i] = true;
      batch[i].done(outcome.error, outcome.result);
    };
    try {
      pool.with_connection([&](Connection& connection) { run_pipelined(connection, batch, answer); });
    } catch (...) {
      // The connection failed: the calls still without a reply fail with it.
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!answered[i]) answer(i, {std::current_exception(), {}});
      }
    }
  }

  // Every call goes out before any reply is read, each as soon as it is formatted, so that Redis
  // starts on the first while the rest are made. Each stays its own script run, as atomic as
  // when sent alone. A server that does not know the script (a restart, SCRIPT FLUSH) answers
  // NOSCRIPT; those calls run again as EVAL, which also caches it there again.
  template <typename Answer>
  void run_pipelined(Connection& connection, const std::vector<redis::Pending>& batch, const Answer& answer) {
    const std::string sha = script_sha(connection);
    std::vector<Command> calls;
    calls.reserve(batch.size());
    for (const redis::Pending& pending : batch) {
      connection.append(calls.emplace_back(script_arguments(pending.events, outbox_max_events, ScriptKeySpace{})).resp({"EVALSHA", sha}));
      connection.flush();
    }
    std::vector<std::size_t> unknown_script;
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const Reply reply = connection.reply();
      if (reply->type == REDIS_REPLY_ERROR && text_of(*reply).starts_with("NOSCRIPT")) unknown_script.push_back(i);
      else answer(i, outcome_of(connection, reply, "EVALSHA"));
    }
    for (const std::size_t i : unknown_script) {
      answer(i, outcome_of(connection, connection.run(calls[i].resp({"EVAL", kApplyScript})), "EVAL"));
    }
  }

  Outcome outcome_of(const Connection& connection, const Reply& reply, std::string_view command) const {
    try {
      connection.expect_no_error(reply, command);
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) throw std::runtime_error(address.url() + ": unexpected script reply");
      const auto count = [&](std::size_t i) { return static_cast<std::size_t>(reply->element[i]->integer); };
      return {nullptr, {count(0), count(1), count(2)}};
    } catch (...) {
      return {std::current_exception(), {}};
    }
  }

  std::string script_sha(Connection& connection) {
    {
      const std::lock_guard lock(mutex);
      if (!sha.empty()) return sha;
    }
    const Reply reply = connection.run(Command{"SCRIPT", "LOAD", kApplyScript}.resp());
    const std::string loaded(text_of(connection.expect_no_error(reply, "SCRIPT LOAD")));
    const std::lock_guard lock(mutex);
    sha = loaded;
    return sha;
  }

  RedisAddress address;
  ConnectionPool pool;
  std::mutex mutex;
  std::string sha;  // of kApplyScript, once the server told it
  std::atomic<std::uint64_t> outbox_max_events{kDefaultOutboxMaxEvents};
  redis::RedisOutbox outbox{pool};
  redis::RedisSenders senders{"ie-redis-send", [this](std::vector<redis::Pending>& batch) { send(batch); }};  // last: stops first
};

RedisStore::RedisStore(RedisAddress address) : impl_(std::make_unique<Impl>(std::move(address))) {}

RedisStore::~RedisStore() = default;

void RedisStore::apply_async(std::vector<EventWrites> events, std::int64_t, ApplyDone done) {
  impl_->senders.push(std::move(events), std::move(done));
}

std::uint64_t RedisStore::count_unique(const std::vector<std::string>& keys, std::int64_t) {
  if (keys.empty()) return 0;
  Command pfcount{"PFCOUNT"};
  for (const auto& key : keys) pfcount.add(key);
  return impl_->pool.with_connection([&](Connection& connection) {
    const Reply reply = connection.run(pfcount.resp());
    return static_cast<std::uint64_t>(connection.expect_no_error(reply, "PFCOUNT").integer);
  });
}

double RedisStore::sum(const std::vector<std::string>& keys, std::int64_t) {
  if (keys.empty()) return 0;
  Command mget{"MGET"};
  for (const auto& key : keys) mget.add(key);
  const Reply reply = impl_->pool.with_connection([&](Connection& connection) {
    Reply values = connection.run(mget.resp());
    connection.expect_no_error(values, "MGET");
    return values;
  });
  double total = 0;
  for (std::size_t i = 0; i < reply->elements; ++i) {
    const redisReply& value = *reply->element[i];
    if (value.type == REDIS_REPLY_NIL) continue;
    const auto number = value.type == REDIS_REPLY_STRING ? parse_number(text_of(value)) : std::nullopt;
    if (!number) throw std::runtime_error(describe() + ": counter " + keys[i] + " holds no number");
    total += *number;
  }
  return total;
}

std::vector<StoredKey> RedisStore::dump(std::int64_t now_ms) {
  return impl_->pool.with_connection([&](Connection& connection) {
    std::vector<StoredKey> stored;
    std::string cursor = "0";
    do {
      const Reply page = connection.run(Command{"SCAN", cursor, "COUNT", "1000"}.resp());
      connection.expect_no_error(page, "SCAN");
      cursor = std::string(text_of(*page->element[0]));
      std::vector<std::string> keys;
      for (std::size_t i = 0; i < page->element[1]->elements; ++i) {
        const std::string_view key = text_of(*page->element[1]->element[i]);
        if (ours(key)) keys.emplace_back(key);
      }
      // GET and PTTL of the whole page in one round trip.
      for (const auto& key : keys) {
        connection.append(Command{"GET", key}.resp());
        connection.append(Command{"PTTL", key}.resp());
      }
      for (const auto& key : keys) {
        const Reply value = connection.reply();
        const Reply ttl = connection.reply();
        if (value->type != REDIS_REPLY_STRING || ttl->integer == -2) continue;  // gone, or not a string
        stored.push_back({key, std::string(text_of(*value)), ttl->integer < 0 ? 0 : now_ms + ttl->integer});
      }
    } while (cursor != "0");
    // SCAN may return a key twice.
    std::sort(stored.begin(), stored.end(), [](const StoredKey& a, const StoredKey& b) { return a.key < b.key; });
    stored.erase(std::unique(stored.begin(), stored.end(), [](const StoredKey& a, const StoredKey& b) { return a.key == b.key; }),
                 stored.end());
    return stored;
  });
}

// PXAT keeps the key's own expiry, in absolute time, so restoring twice sets the same one.
std::size_t RedisStore::restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) {
  std::vector<const StoredKey*> live;
  for (const auto& key : keys) {
    if (key.expires_at_ms == 0 || key.expires_at_ms >= now_ms) live.push_back(&key);
  }
  impl_->pool.with_connection([&](Connection& connection) {
    for (std::size_t from = 0; from < live.size(); from += kRestoreChunk) {
      const std::size_t to = std::min(live.size(), from + kRestoreChunk);
      for (std::size_t i = from; i < to; ++i) {
        Command set{"SET", live[i]->key, live[i]->value};
        if (live[i]->expires_at_ms != 0) set.add("PXAT").add_number(static_cast<std::size_t>(live[i]->expires_at_ms));
        connection.append(set.resp());
      }
      for (std::size_t i = from; i < to; ++i) connection.expect_no_error(connection.reply(), "SET");
    }
  });
  return live.size();
}

std::string RedisStore::describe() const { return impl_->address.url(); }

Outbox& RedisStore::outbox() { return impl_->outbox; }

void RedisStore::set_outbox_max_events(std::uint64_t max_events) { impl_->outbox_max_events = max_events; }

// HSETNX, then HGET: the first receiver's value is everyone's.
std::string RedisStore::setting(std::string_view name, std::string_view value_if_new) {
  return impl_->pool.with_connection([&](Connection& connection) {
    connection.expect_no_error(connection.run(Command{"HSETNX", redis::kSettingsKey, name, value_if_new}.resp()), "HSETNX");
    const Reply reply = connection.run(Command{"HGET", redis::kSettingsKey, name}.resp());
    return std::string(text_of(connection.expect_no_error(reply, "HGET")));
  });
}

}  // namespace ie
