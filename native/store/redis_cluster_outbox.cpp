#include "native/store/redis_cluster_outbox.hpp"

#include <algorithm>

#include "core/cluster_keys.hpp"

namespace ie::redis {

namespace {

constexpr std::int64_t kRediscoverMs = 5000;
constexpr char kTagSeparator = '/';

// "internal_events:outbox_{pull_package}" → "pull_package"; empty for other keys.
std::string tag_of_stream(std::string_view key) {
  constexpr std::string_view kPrefix = "internal_events:outbox_{";
  if (!key.starts_with(kPrefix) || !key.ends_with("}")) return {};
  return std::string(key.substr(kPrefix.size(), key.size() - kPrefix.size() - 1));
}

std::vector<std::string> stream_tags_on(ClusterNode& node) {
  std::vector<std::string> tags;
  node.pool.with_connection([&](Connection& connection) {
    std::string cursor = "0";
    do {
      const Reply page = connection.run(Command{"SCAN", cursor, "MATCH", kClusterOutboxPattern, "COUNT", "1000", "TYPE", "stream"}.resp());
      connection.expect_no_error(page, "SCAN");
      cursor = std::string(text_of(*page->element[0]));
      for (std::size_t i = 0; i < page->element[1]->elements; ++i) {
        if (std::string tag = tag_of_stream(text_of(*page->element[1]->element[i])); !tag.empty()) tags.push_back(std::move(tag));
      }
    } while (cursor != "0");
  });
  return tags;
}

}  // namespace

void RedisClusterOutbox::discover_locked(std::int64_t now_ms, bool now) {
  if (!now && discovered_at_ms_ >= 0 && now_ms - discovered_at_ms_ < kRediscoverMs) return;
  for (ClusterNode* master : map_.masters()) {
    for (auto& tag : stream_tags_on(*master)) streams_.try_emplace(std::move(tag));
  }
  discovered_at_ms_ = now_ms;
}

// Runs `use` on the stream's RedisOutbox on the master that serves its slot now. A failure may
// mean the slot moved: the map is read again and the stream re-made before the next use.
template <typename Use>
auto RedisClusterOutbox::with_stream(const std::string& tag, Use&& use) {
  Stream& stream = streams_[tag];
  const std::uint64_t version = map_.version();
  ClusterNode* node = map_.node_for_slot(key_slot(cluster_outbox_key(tag)));
  if (!node) throw StoreUnavailable("no live master serves the outbox of " + tag);
  if (node != stream.node) {
    stream.node = node;
    stream.outbox = std::make_unique<RedisOutbox>(node->pool, cluster_outbox_key(tag), cluster_dead_letters_key(tag));
  }
  try {
    return use(*stream.outbox);
  } catch (const std::exception& error) {
    stream.node = nullptr;
    map_.refresh(version);
    throw StoreUnavailable(std::string("the outbox of ") + tag + ": " + error.what());
  }
}

RedisClusterOutbox::Entries RedisClusterOutbox::by_stream(const std::vector<OutboxEntry>& entries) {
  Entries grouped;
  for (const auto& entry : entries) {
    const auto separator = entry.id.rfind(kTagSeparator);
    if (separator == std::string::npos) continue;  // not one of ours
    OutboxEntry plain = entry;
    plain.id = entry.id.substr(separator + 1);
    grouped[entry.id.substr(0, separator)].push_back(std::move(plain));
  }
  return grouped;
}

// The streams in turn from where the last claim stopped; the first that has entries gives them.
std::vector<OutboxEntry> RedisClusterOutbox::claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  discover_locked(now_ms, false);
  std::vector<std::string> order;
  for (const auto& [tag, stream] : streams_) order.push_back(tag);
  std::rotate(order.begin(), std::lower_bound(order.begin(), order.end(), next_tag_), order.end());
  for (const std::string& tag : order) {
    std::vector<OutboxEntry> entries = with_stream(tag, [&](RedisOutbox& outbox) { return outbox.claim(owner, max_bytes, now_ms); });
    if (entries.empty()) continue;
    next_tag_ = tag + '\x01';  // the stream after this one
    for (auto& entry : entries) entry.id = tag + kTagSeparator + entry.id;
    return entries;
  }
  return {};
}

void RedisClusterOutbox::renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  for (const auto& [tag, plain] : by_stream(entries)) {
    with_stream(tag, [&](RedisOutbox& outbox) { outbox.renew(owner, plain, now_ms); });
  }
}

void RedisClusterOutbox::release(std::string_view owner) {
  const std::lock_guard lock(mutex_);
  for (const auto& [tag, stream] : streams_) with_stream(tag, [&](RedisOutbox& outbox) { outbox.release(owner); });
}

void RedisClusterOutbox::remove(const std::vector<OutboxEntry>& entries) {
  const std::lock_guard lock(mutex_);
  for (const auto& [tag, plain] : by_stream(entries)) with_stream(tag, [&](RedisOutbox& outbox) { outbox.remove(plain); });
}

void RedisClusterOutbox::bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  for (const auto& [tag, plain] : by_stream(entries)) {
    with_stream(tag, [&](RedisOutbox& outbox) { outbox.bury(plain, status, reason, now_ms); });
  }
}

OutboxStatus RedisClusterOutbox::status(std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  discover_locked(now_ms, true);
  OutboxStatus all;
  for (const auto& [tag, stream] : streams_) {
    const OutboxStatus one = with_stream(tag, [&](RedisOutbox& outbox) { return outbox.status(now_ms); });
    all.depth += one.depth;
    all.dead_letters += one.dead_letters;
    if (one.oldest_queued_at_ms && (!all.oldest_queued_at_ms || *one.oldest_queued_at_ms < *all.oldest_queued_at_ms)) {
      all.oldest_queued_at_ms = one.oldest_queued_at_ms;
    }
  }
  return all;
}

// The oldest first, across the streams.
std::vector<DeadLetter> RedisClusterOutbox::dead_letters(std::size_t limit) {
  const std::lock_guard lock(mutex_);
  discover_locked(0, true);
  std::vector<DeadLetter> all;
  for (const auto& [tag, stream] : streams_) {
    for (auto& letter : with_stream(tag, [&](RedisOutbox& outbox) { return outbox.dead_letters(limit); })) {
      letter.entry.id = tag + kTagSeparator + letter.entry.id;
      all.push_back(std::move(letter));
    }
  }
  std::sort(all.begin(), all.end(), [](const DeadLetter& a, const DeadLetter& b) { return a.dead_at_ms < b.dead_at_ms; });
  if (all.size() > limit) all.resize(limit);
  return all;
}

std::size_t RedisClusterOutbox::retry_dead() {
  const std::lock_guard lock(mutex_);
  discover_locked(0, true);
  std::size_t moved = 0;
  for (const auto& [tag, stream] : streams_) moved += with_stream(tag, [](RedisOutbox& outbox) { return outbox.retry_dead(); });
  return moved;
}

}  // namespace ie::redis
