#include "native/store/redis_outbox.hpp"

#include <algorithm>
#include <charconv>

namespace ie::redis {

namespace {

// A stream entry id is "<ms>-<sequence>": the ms is when it was added.
std::int64_t added_at_ms(std::string_view id) {
  std::int64_t ms = 0;
  std::from_chars(id.data(), id.data() + id.size(), ms);
  return ms;
}

// The value of `field` in a stream entry's flat [field, value, …] array.
std::string field_of(const redisReply& fields, std::string_view field) {
  for (std::size_t i = 0; i + 1 < fields.elements; i += 2) {
    if (text_of(*fields.element[i]) == field) return std::string(text_of(*fields.element[i + 1]));
  }
  return {};
}

void append_entries(const redisReply& entries, std::vector<OutboxEntry>& out) {
  for (std::size_t i = 0; i < entries.elements; ++i) {
    const redisReply& entry = *entries.element[i];
    if (entry.type != REDIS_REPLY_ARRAY || entry.elements != 2 || entry.element[1]->type != REDIS_REPLY_ARRAY) continue;  // deleted meanwhile
    const std::string_view id = text_of(*entry.element[0]);
    out.push_back({std::string(id), field_of(*entry.element[1], "p"), added_at_ms(id)});
  }
}

Command with_ids(Command command, const std::vector<OutboxEntry>& entries) {
  for (const auto& entry : entries) command.add(entry.id);
  return command;
}

// The entries a batch may hold: the oldest first, at least one, up to max_bytes.
std::size_t fitting(const std::vector<OutboxEntry>& entries, std::size_t max_bytes) {
  std::size_t bytes = 0, count = 0;
  for (const auto& entry : entries) {
    if (count && bytes + entry.payload.size() > max_bytes) break;
    bytes += entry.payload.size();
    ++count;
  }
  return count;
}

constexpr std::size_t kTypicalPayloadBytes = 700;
constexpr std::string_view kRetryDeadScript = R"lua(
local letters = redis.call('XRANGE', KEYS[2], '-', '+')
for _, letter in ipairs(letters) do
  local fields = letter[2]
  for i = 1, #fields, 2 do
    if fields[i] == 'p' then redis.call('XADD', KEYS[1], '*', 'p', fields[i + 1]) end
  end
end
redis.call('DEL', KEYS[2])
return #letters
)lua";

}  // namespace

void RedisOutbox::make_group(Connection& connection) {
  if (group_made_) return;
  const Reply reply = connection.run(Command{"XGROUP", "CREATE", stream_, kEmitterGroup, "0", "MKSTREAM"}.resp());
  if (reply->type == REDIS_REPLY_ERROR && !text_of(*reply).starts_with("BUSYGROUP")) connection.expect_no_error(reply, "XGROUP CREATE");
  group_made_ = true;
}

// First what dead emitters left (idle past the lease), then entries nobody has had yet.
std::vector<OutboxEntry> RedisOutbox::read_claimed(Connection& connection, std::string_view owner, std::size_t count) {
  std::vector<OutboxEntry> entries;
  Command take_over{"XAUTOCLAIM", stream_, kEmitterGroup, owner};
  take_over.add_number(kOutboxLeaseMs).add("0-0").add("COUNT").add_number(count);
  const Reply abandoned = connection.run(take_over.resp());
  connection.expect_no_error(abandoned, "XAUTOCLAIM");
  if (abandoned->type == REDIS_REPLY_ARRAY && abandoned->elements >= 2) append_entries(*abandoned->element[1], entries);
  if (entries.size() >= count) return entries;
  Command read_new{"XREADGROUP", "GROUP", kEmitterGroup, owner, "COUNT"};
  read_new.add_number(count - entries.size()).add("STREAMS").add(stream_).add(">");
  const Reply fresh = connection.run(read_new.resp());
  connection.expect_no_error(fresh, "XREADGROUP");
  if (fresh->type == REDIS_REPLY_ARRAY && fresh->elements == 1) append_entries(*fresh->element[0]->element[1], entries);
  return entries;
}

std::vector<OutboxEntry> RedisOutbox::claim(std::string_view owner, std::size_t max_bytes, std::int64_t) {
  const std::lock_guard lock(mutex_);
  std::vector<OutboxEntry> entries = std::exchange(carried_[std::string(owner)], {});
  // Reads until the batch is full or the stream has no more: a guess of the count that fits,
  // then one entry more at a time, the excess carried to the next claim.
  std::size_t count = std::clamp<std::size_t>(max_bytes / kTypicalPayloadBytes, 1, 1000);
  pool_.with_connection([&](Connection& connection) {
    make_group(connection);
    while (fitting(entries, max_bytes) == entries.size()) {
      std::vector<OutboxEntry> read = read_claimed(connection, owner, count);
      const bool more = read.size() == count;
      for (auto& entry : read) entries.push_back(std::move(entry));
      if (!more) break;
      count = std::max<std::size_t>(1, count / 4);
    }
  });
  const std::size_t batch = fitting(entries, max_bytes);
  carried_[std::string(owner)].assign(std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(batch)),
                                     std::make_move_iterator(entries.end()));
  entries.resize(batch);
  return entries;
}

void RedisOutbox::renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t) {
  const std::lock_guard lock(mutex_);
  Command claim_again{"XCLAIM", stream_, kEmitterGroup, owner, "0"};
  for (const auto& entry : entries) claim_again.add(entry.id);
  for (const auto& entry : carried_[std::string(owner)]) claim_again.add(entry.id);
  claim_again.add("JUSTID");
  pool_.with_connection([&](Connection& connection) { connection.expect_no_error(connection.run(claim_again.resp()), "XCLAIM"); });
}

// Every entry `owner` holds is marked as idle for ever, so another emitter's next XAUTOCLAIM takes
// it at once. (Deleting the consumer would drop them from the group: never delivered again.)
void RedisOutbox::release(std::string_view owner) {
  const std::lock_guard lock(mutex_);
  carried_.erase(std::string(owner));
  pool_.with_connection([&](Connection& connection) {
    const Reply pending = connection.run(Command{"XPENDING", stream_, kEmitterGroup, "-", "+", "10000", owner}.resp());
    if (pending->type != REDIS_REPLY_ARRAY || pending->elements == 0) return;
    Command give_up{"XCLAIM", stream_, kEmitterGroup, owner, "0"};
    for (std::size_t i = 0; i < pending->elements; ++i) give_up.add(text_of(*pending->element[i]->element[0]));
    give_up.add("IDLE").add_number(std::size_t{1} << 40).add("JUSTID");
    connection.expect_no_error(connection.run(give_up.resp()), "XCLAIM");
  });
}

void RedisOutbox::remove(const std::vector<OutboxEntry>& entries) {
  if (entries.empty()) return;
  pool_.with_connection([&](Connection& connection) {
    connection.expect_no_error(connection.run(with_ids(Command{"XACK", stream_, kEmitterGroup}, entries).resp()), "XACK");
    connection.expect_no_error(connection.run(with_ids(Command{"XDEL", stream_}, entries).resp()), "XDEL");
  });
}

// MULTI/EXEC: the dead letters and the removal from the outbox land together.
void RedisOutbox::bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) {
  if (entries.empty()) return;
  pool_.with_connection([&](Connection& connection) {
    connection.append(Command{"MULTI"}.resp());
    for (const auto& entry : entries) {
      Command letter{"XADD", dead_letters_, "*", "p", entry.payload, "queued_at"};
      letter.add_number(static_cast<std::size_t>(entry.queued_at_ms)).add("status").add_number(static_cast<std::size_t>(status));
      letter.add("reason").add(reason).add("dead_at").add_number(static_cast<std::size_t>(now_ms));
      connection.append(letter.resp());
    }
    connection.append(with_ids(Command{"XACK", stream_, kEmitterGroup}, entries).resp());
    connection.append(with_ids(Command{"XDEL", stream_}, entries).resp());
    connection.append(Command{"EXEC"}.resp());
    connection.flush();
    for (std::size_t i = 0; i < entries.size() + 3; ++i) connection.expect_no_error(connection.reply(), "MULTI");
    connection.expect_no_error(connection.reply(), "EXEC");
  });
}

OutboxStatus RedisOutbox::status(std::int64_t) {
  return pool_.with_connection([&](Connection& connection) {
    OutboxStatus status;
    status.depth = static_cast<std::uint64_t>(connection.expect_no_error(connection.run(Command{"XLEN", stream_}.resp()), "XLEN").integer);
    const Reply oldest = connection.run(Command{"XRANGE", stream_, "-", "+", "COUNT", "1"}.resp());
    connection.expect_no_error(oldest, "XRANGE");
    if (oldest->elements == 1) status.oldest_queued_at_ms = added_at_ms(text_of(*oldest->element[0]->element[0]));
    status.dead_letters =
        static_cast<std::uint64_t>(connection.expect_no_error(connection.run(Command{"XLEN", dead_letters_}.resp()), "XLEN").integer);
    return status;
  });
}

std::vector<DeadLetter> RedisOutbox::dead_letters(std::size_t limit) {
  return pool_.with_connection([&](Connection& connection) {
    Command range{"XRANGE", dead_letters_, "-", "+", "COUNT"};
    const Reply reply = connection.run(range.add_number(limit).resp());
    connection.expect_no_error(reply, "XRANGE");
    std::vector<DeadLetter> letters;
    for (std::size_t i = 0; i < reply->elements; ++i) {
      const redisReply& fields = *reply->element[i]->element[1];
      const auto number = [&](std::string_view field) { return std::atoll(field_of(fields, field).c_str()); };
      letters.push_back({{std::string(text_of(*reply->element[i]->element[0])), field_of(fields, "p"), number("queued_at")},
                         static_cast<int>(number("status")),
                         field_of(fields, "reason"),
                         number("dead_at")});
    }
    return letters;
  });
}

std::size_t RedisOutbox::retry_dead() {
  return pool_.with_connection([&](Connection& connection) {
    const Reply reply = connection.run(Command{"EVAL", kRetryDeadScript, "2", stream_, dead_letters_}.resp());
    return static_cast<std::size_t>(connection.expect_no_error(reply, "EVAL").integer);
  });
}

}  // namespace ie::redis
