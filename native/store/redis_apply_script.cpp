// The apply script and its arguments; why it is a script, and how it reads them, below.
#include "native/store/redis_apply_script.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/cluster_keys.hpp"
#include "native/store/redis_outbox.hpp"

namespace ie::redis {

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
const std::string_view kApplyScript = R"lua(#!lua
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


void ScriptKeySpace::add_event_id_key(Command& call, std::string_view event_id) const {
  if (cluster_event.empty()) call.add_joined(kEventIdKeyPrefix, event_id);
  else call.add(cluster_event_id_key(cluster_event, event_id));
}

void ScriptKeySpace::add_counter_key(Command& call, std::string_view gitlab_key) const {
  if (cluster_event.empty()) call.add(gitlab_key);
  else call.add(cluster_counter_key(gitlab_key).value_or(std::string(gitlab_key)));
}

std::string ScriptKeySpace::outbox_key() const {
  return cluster_event.empty() ? std::string(kOutboxKey) : cluster_outbox_key(cluster_event);
}

namespace {

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

}  // namespace

// The script's arguments for a batch: EVALSHA or EVAL and the script go before them.
Command script_arguments(const std::vector<EventWrites>& events, std::uint64_t outbox_max_events, const ScriptKeySpace& space) {
  const std::vector<KeyWrites> groups = writes_by_key(events);
  const auto has_id = [](const EventWrites& event) { return !event.event_id.empty(); };
  const auto has_copy = [](const EventWrites& event) { return !event.snowplow_event.empty(); };
  const auto ids = static_cast<std::size_t>(std::count_if(events.begin(), events.end(), has_id));
  const auto copies = static_cast<std::size_t>(std::count_if(events.begin(), events.end(), has_copy));
  Command call;
  call.add_number(ids + groups.size() + (copies ? 1 : 0));
  for (const auto& event : events) {
    if (has_id(event)) space.add_event_id_key(call, event.event_id);
  }
  for (const auto& group : groups) space.add_counter_key(call, group.key);
  if (copies) call.add(space.outbox_key());
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

}  // namespace ie::redis
