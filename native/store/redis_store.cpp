#include "native/store/redis_store.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "native/store/redis_connection.hpp"
#include "native/store/redis_outbox.hpp"
#include "native/thread_name.hpp"

namespace ie {

namespace {

using redis::Command;
using redis::Connection;
using redis::ConnectionPool;
using redis::Reply;
using redis::text_of;

constexpr std::array<std::string_view, 4> kOurPrefixes = {"{hll_counters}_", "{event_counters}_", "{event_sums}_",
                                                          "{event_ids}_"};

// Why one script per batch, and not MULTI/EXEC or a plain pipeline:
// - deduplication is a condition (skip an event's writes when its id is known), which MULTI cannot
//   express without WATCH round trips; a script decides it inside the server;
// - nothing else runs while a script runs, and Redis propagates its effects to the AOF and the
//   replicas as one unit: all of a batch or none of it, as durable as the server is configured;
// - one EVALSHA carries the whole batch: one round trip however many events.
// The shebang makes Redis refuse the script up front (OOM, MISCONF, a read-only replica) rather
// than fail it half-way. Redis does not roll a script back, so the one partial case left is a
// command failing inside it, which only a foreign value at one of our keys (WRONGTYPE) can cause.
//
// The script first sets each event id (SET NX), then writes per key what the fresh events wrote
// there: one PFADD with all the members (in chunks, for Lua's unpack), one INCRBY with the count,
// and one EXPIRE or EXPIRE NX. The values and TTLs are those of one command per write: a PFADD of
// several members adds them one by one, in order, and one EXPIRE after a key's last write sets the
// TTL that the last of one EXPIRE per write would have set, but for the microseconds between them.
// INCRBYFLOAT stays one call per write, in order: Redis adds long doubles, and the SQLite store
// repeats those very additions.
//
// Last, the fresh events' Snowplow copies go into the outbox stream (XADD), unless it already
// holds the most it may: in the same script, so a counted event always has its copy queued.
//
// KEYS: the id key of each event that has one, then each written key once, then the outbox stream
//       when any event has a Snowplow copy.
// ARGV: id window (ms), TTL (s), the number of id keys, the number of events without an id, the
//       number of Snowplow copies, the outbox's bound, then for each written key: p|i|f (PFADD,
//       INCR, INCRBYFLOAT), n|r|x (no TTL, EXPIRE, EXPIRE NX), its number of writes, each write's
//       event (the index of its id key, "0" without one), and for p and f each write's member or
//       amount; then for each Snowplow copy its event (as for writes) and its payload.
// Returns {applied, duplicates, copies dropped because the outbox was full}.
constexpr std::string_view kApplyScript = R"lua(#!lua
local window, ttl, ids, applied = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local copies, max_queued = tonumber(ARGV[5]), tonumber(ARGV[6])
local seen, duplicates = {}, 0
for k = 1, ids do
  if redis.call('SET', KEYS[k], '1', 'NX', 'PX', window) then
    applied = applied + 1
  else
    seen[tostring(k)], duplicates = true, duplicates + 1
  end
end
local a = 7
for k = ids + 1, #KEYS - (copies > 0 and 1 or 0) do
  local key, op, expiry, writes = KEYS[k], ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2])
  local events, count, values = a + 3, 0, {}
  for w = events, events + writes - 1 do
    if not seen[ARGV[w]] then
      count = count + 1
      if op ~= 'i' then values[count] = ARGV[w + writes] end
    end
  end
  a = events + (op == 'i' and 1 or 2) * writes
  if count > 0 then
    if op == 'p' then
      for first = 1, count, 1000 do
        redis.call('PFADD', key, unpack(values, first, math.min(first + 999, count)))
      end
    elseif op == 'i' then
      redis.call('INCRBY', key, count)
    else
      for _, amount in ipairs(values) do redis.call('INCRBYFLOAT', key, amount) end
    end
    if expiry == 'r' then
      redis.call('EXPIRE', key, ttl)
    elseif expiry == 'x' then
      redis.call('EXPIRE', key, ttl, 'NX')
    end
  end
end
local dropped = 0
if copies > 0 then
  local outbox = KEYS[#KEYS]
  local depth = redis.call('XLEN', outbox)
  for c = 1, copies do
    if not seen[ARGV[a]] then
      if depth < max_queued then
        redis.call('XADD', outbox, '*', 'p', ARGV[a + 1])
        depth = depth + 1
      else
        dropped = dropped + 1
      end
    end
    a = a + 2
  end
end
return {applied, duplicates, dropped}
)lua";

// A batch's writes to one key with one operation, in the order the events made them.
struct KeyWrites {
  std::string_view key;
  CounterOperation operation;
  Expiry expiry = Expiry::never;
  std::vector<std::pair<std::size_t, const CounterWrite*>> writes;  // with the event's id key index (0: none)
};

// The expiry whose one EXPIRE after all of a key's writes leaves the TTL that one after each write
// would: a refresh sets it whatever came before, an if_none only when the key has none.
Expiry stronger(Expiry a, Expiry b) {
  if (a == Expiry::refresh || b == Expiry::refresh) return Expiry::refresh;
  return a == Expiry::if_none || b == Expiry::if_none ? Expiry::if_none : Expiry::never;
}

std::vector<KeyWrites> writes_by_key(const std::vector<EventWrites>& events) {
  std::vector<KeyWrites> groups;
  std::array<std::unordered_map<CounterKey, std::size_t>, 3> group_of;  // by operation, then key
  std::size_t id_keys = 0;
  for (const auto& event : events) {
    const std::size_t id_key = event.event_id.empty() ? 0 : ++id_keys;
    for (const auto& write : event.writes) {
      const auto [at, added] = group_of[static_cast<std::size_t>(write.operation)].try_emplace(write.key, groups.size());
      if (added) groups.push_back({write.key.str(), write.operation, Expiry::never, {}});
      KeyWrites& group = groups[at->second];
      group.expiry = stronger(group.expiry, write.expiry);
      group.writes.emplace_back(id_key, &write);
    }
  }
  return groups;
}

std::string_view operation_code(CounterOperation operation) {
  switch (operation) {
    case CounterOperation::pfadd: return "p";
    case CounterOperation::incr: return "i";
    case CounterOperation::incrbyfloat: return "f";
  }
  return "";
}

std::string_view expiry_code(Expiry expiry) { return expiry == Expiry::refresh ? "r" : expiry == Expiry::if_none ? "x" : "n"; }

// The script's arguments for a batch: EVALSHA or EVAL and the script go before them.
Command script_arguments(const std::vector<EventWrites>& events, std::uint64_t outbox_max_events) {
  const std::vector<KeyWrites> groups = writes_by_key(events);
  const auto has_id = [](const EventWrites& event) { return !event.event_id.empty(); };
  const auto has_copy = [](const EventWrites& event) { return !event.snowplow_event.empty(); };
  const auto ids = static_cast<std::size_t>(std::count_if(events.begin(), events.end(), has_id));
  const auto copies = static_cast<std::size_t>(std::count_if(events.begin(), events.end(), has_copy));
  Command call;
  call.add_number(ids + groups.size() + (copies ? 1 : 0));
  for (const auto& event : events) {
    if (has_id(event)) call.add_joined(kEventIdKeyPrefix, event.event_id);
  }
  for (const auto& group : groups) call.add(group.key);
  if (copies) call.add(redis::kOutboxKey);
  call.add_number(kEventIdWindowMs).add_number(kWeeklyKeyTtlSeconds).add_number(ids).add_number(events.size() - ids);
  call.add_number(copies).add_number(outbox_max_events);
  for (const auto& group : groups) {
    call.add(operation_code(group.operation)).add(expiry_code(group.expiry)).add_number(group.writes.size());
    for (const auto& [id_key, write] : group.writes) call.add_number(id_key);
    for (const auto& [id_key, write] : group.writes) {
      if (group.operation == CounterOperation::pfadd) call.add(write->member);
      if (group.operation == CounterOperation::incrbyfloat) call.add(incrbyfloat_argument(write->amount));
    }
  }
  std::size_t id_key = 0;
  for (const auto& event : events) {
    if (has_id(event)) ++id_key;
    if (has_copy(event)) call.add_number(has_id(event) ? id_key : 0).add(event.snowplow_event);
  }
  return call;
}

std::optional<double> parse_number(std::string_view text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

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

// One apply_async() call waiting for its script to run.
struct Pending {
  std::vector<EventWrites> events;
  ApplyDone done;
};

// How one script call ended.
struct Outcome {
  std::exception_ptr error;
  ApplyResult result;
};

// Two senders, each with its own connection: while one waits for its replies, Redis runs the
// other's scripts. With one, Redis idled between a pipeline's last reply and the next pipeline.
constexpr int kSenders = 2;

struct RedisStore::Impl {
  explicit Impl(RedisAddress where) : address(std::move(where)), pool(address) {
    for (int i = 0; i < kSenders; ++i) {
      senders.emplace_back([this] {
        name_this_thread("ie-redis-send");
        run_sender();
      });
    }
  }

  ~Impl() {
    {
      const std::lock_guard lock(queue_mutex);
      stopping = true;
    }
    wake.notify_all();
    for (auto& sender : senders) sender.join();
  }

  // Drains the queue before stopping: every call is answered.
  void run_sender() {
    std::unique_lock lock(queue_mutex);
    while (true) {
      wake.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;
      std::vector<Pending> batch = std::exchange(queue, {});
      lock.unlock();
      send(batch);
      lock.lock();
    }
  }

  // Each call is answered as soon as its reply arrives, not after the pipeline's last: its
  // request can then come back with the next batch while Redis still runs the others.
  void send(std::vector<Pending>& batch) {
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
  void run_pipelined(Connection& connection, const std::vector<Pending>& batch, const Answer& answer) {
    const std::string sha = script_sha(connection);
    std::vector<Command> calls;
    calls.reserve(batch.size());
    for (const Pending& pending : batch) {
      connection.append(calls.emplace_back(script_arguments(pending.events, outbox_max_events)).resp({"EVALSHA", sha}));
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

  std::mutex queue_mutex;
  std::condition_variable wake;
  std::vector<Pending> queue;
  bool stopping = false;
  std::vector<std::thread> senders;
};

RedisStore::RedisStore(RedisAddress address) : impl_(std::make_unique<Impl>(std::move(address))) {
  // hiredis writes to sockets with write(): a server that closed the connection must be an
  // error on that call, not a SIGPIPE that ends the process. Whoever set a handler keeps it.
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
}

RedisStore::~RedisStore() = default;

void RedisStore::apply_async(std::vector<EventWrites> events, std::int64_t, ApplyDone done) {
  if (events.empty()) return done(nullptr, {});
  {
    const std::lock_guard lock(impl_->queue_mutex);
    impl_->queue.push_back(Pending{std::move(events), std::move(done)});
  }
  impl_->wake.notify_one();
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
