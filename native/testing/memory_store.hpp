#pragma once
// A CounterStore that keeps everything in memory, for tests of code that tracks events: no file,
// no server. It applies core's CounterWrites as the real stores do (PFADD into Redis-compatible
// HyperLogLogs, INCR, INCRBYFLOAT, the six-week TTLs, each event id once), so MetricReader reads
// the same numbers from it; apply_async commits and calls `done` at once, on the caller's thread.
// Snowplow copies wait in a MemoryOutbox. Installed with the library:
//
//   #include "native/testing/memory_store.hpp"
//   ie::test_support::MemoryStore store;
//   ie::Tracker tracker(ie::load_definitions("config"), store);
//
// recording_tracker.hpp adds a log of the events tracked, which is what most tests want.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hll.hpp"
#include "native/store/counter_store.hpp"

namespace ie::test_support {

// The outbox as a list: claims are leases by owner, as in the real stores.
class MemoryOutbox final : public Outbox {
 public:
  void add(std::string payload, std::int64_t now_ms) {
    waiting_.push_back({{std::to_string(next_id_++), std::move(payload), now_ms}, {}, 0});
  }
  std::size_t depth() const { return waiting_.size(); }

  std::vector<OutboxEntry> claim(std::string_view owner, std::size_t max_bytes, std::int64_t now_ms) override {
    std::vector<OutboxEntry> claimed;
    std::size_t bytes = 0;
    for (Waiting& waiting : waiting_) {
      if (!waiting.owner.empty() && waiting.lease_until_ms > now_ms) continue;
      if (!claimed.empty() && bytes + waiting.entry.payload.size() > max_bytes) break;
      waiting.owner = owner;
      waiting.lease_until_ms = now_ms + kOutboxLeaseMs;
      bytes += waiting.entry.payload.size();
      claimed.push_back(waiting.entry);
    }
    return claimed;
  }
  void renew(std::string_view owner, const std::vector<OutboxEntry>& entries, std::int64_t now_ms) override {
    for (const OutboxEntry& entry : entries) {
      Waiting* waiting = find(entry.id);
      if (waiting && waiting->owner == owner) waiting->lease_until_ms = now_ms + kOutboxLeaseMs;
    }
  }
  void release(std::string_view owner) override {
    for (Waiting& waiting : waiting_) {
      if (waiting.owner == owner) waiting.owner.clear();
    }
  }
  void remove(const std::vector<OutboxEntry>& entries) override {
    for (const OutboxEntry& entry : entries) std::erase_if(waiting_, [&](const Waiting& w) { return w.entry.id == entry.id; });
  }
  void bury(const std::vector<OutboxEntry>& entries, int status, std::string_view reason, std::int64_t now_ms) override {
    for (const OutboxEntry& entry : entries) {
      if (!find(entry.id)) continue;
      dead_.push_back({entry, status, std::string(reason), now_ms});
    }
    remove(entries);
  }
  OutboxStatus status(std::int64_t /*now_ms*/) override {
    OutboxStatus status{waiting_.size(), std::nullopt, dead_.size()};
    if (!waiting_.empty()) status.oldest_queued_at_ms = waiting_.front().entry.queued_at_ms;
    return status;
  }
  std::vector<DeadLetter> dead_letters(std::size_t limit) override {
    return {dead_.begin(), dead_.begin() + static_cast<std::ptrdiff_t>(std::min(limit, dead_.size()))};
  }
  std::size_t retry_dead() override {
    const std::size_t count = dead_.size();
    for (DeadLetter& dead : dead_) waiting_.push_back({std::move(dead.entry), {}, 0});
    dead_.clear();
    return count;
  }

 private:
  struct Waiting {
    OutboxEntry entry;
    std::string owner;  // empty: not claimed
    std::int64_t lease_until_ms = 0;
  };
  Waiting* find(const std::string& id) {
    const auto at = std::find_if(waiting_.begin(), waiting_.end(), [&](const Waiting& w) { return w.entry.id == id; });
    return at == waiting_.end() ? nullptr : &*at;
  }
  std::vector<Waiting> waiting_;
  std::vector<DeadLetter> dead_;
  std::uint64_t next_id_ = 1;
};

class MemoryStore final : public CounterStore {
 public:
  // Runs after each commit, once `done` has returned (so a Tracker has published the batch to its
  // event stream by then); recording_tracker.hpp reads the stream here.
  std::function<void()> after_apply;

  void apply_async(std::vector<EventWrites> events, std::int64_t now_ms, ApplyDone done) override {
    ApplyResult result;
    try {
      const std::lock_guard lock(mutex_);
      check_kinds(events, now_ms);
      for (EventWrites& event : events) apply_event(event, now_ms, result);
    } catch (...) {
      return done(std::current_exception(), {});
    }
    done(nullptr, result);
    if (after_apply) after_apply();
  }

  std::uint64_t count_unique(const std::vector<std::string>& keys, std::int64_t now_ms) override {
    const std::lock_guard lock(mutex_);
    HyperLogLogUnion together;
    for (const std::string& key : keys) {
      if (const Value* value = live(key, now_ms); value && value->hll) together.add(*value->hll);
    }
    return together.count();
  }

  double sum(const std::vector<std::string>& keys, std::int64_t now_ms) override {
    const std::lock_guard lock(mutex_);
    double total = 0;
    for (const std::string& key : keys) {
      if (const Value* value = live(key, now_ms); value && !value->hll) total += value->number;
    }
    return total;
  }

  std::vector<StoredKey> dump(std::int64_t now_ms) override {
    const std::lock_guard lock(mutex_);
    std::vector<StoredKey> keys;
    for (const auto& [key, value] : values_) {
      if (!is_live(value.expires_at_ms, now_ms)) continue;
      keys.push_back({key, value.hll ? value.hll->to_redis_bytes() : incrbyfloat_argument(value.number), value.expires_at_ms});
    }
    for (const auto& [id, expires_at_ms] : event_ids_) {
      if (is_live(expires_at_ms, now_ms)) keys.push_back({std::string(kEventIdKeyPrefix) + id, "1", expires_at_ms});
    }
    return keys;
  }

  std::size_t restore(const std::vector<StoredKey>& keys, std::int64_t now_ms) override {
    const std::lock_guard lock(mutex_);
    std::size_t written = 0;
    for (const StoredKey& stored : keys) {
      if (!is_live(stored.expires_at_ms, now_ms)) continue;
      if (stored.key.starts_with(kEventIdKeyPrefix)) {
        event_ids_[stored.key.substr(kEventIdKeyPrefix.size())] = stored.expires_at_ms;
      } else if (stored.value.starts_with("HYLL")) {
        values_[stored.key] = {HyperLogLog::from_redis_bytes(stored.value), 0, stored.expires_at_ms};
      } else {
        double number = 0;
        const auto [end, error] = std::from_chars(stored.value.data(), stored.value.data() + stored.value.size(), number);
        if (error != std::errc{} || end != stored.value.data() + stored.value.size()) {
          throw std::invalid_argument("memory store: key " + stored.key + " holds neither a HyperLogLog nor a number");
        }
        values_[stored.key] = {std::nullopt, number, stored.expires_at_ms};
      }
      ++written;
    }
    return written;
  }

  std::string describe() const override { return "memory"; }
  Outbox& outbox() override { return outbox_; }
  void set_outbox_max_events(std::uint64_t max_events) override { outbox_max_events_ = max_events; }

  std::string setting(std::string_view name, std::string_view value_if_new) override {
    const std::lock_guard lock(mutex_);
    return settings_.try_emplace(std::string(name), std::string(value_if_new)).first->second;
  }

 private:
  struct Value {
    std::optional<HyperLogLog> hll;  // none: a total or sum
    double number = 0;
    std::int64_t expires_at_ms = 0;  // 0: never
  };

  static bool is_live(std::int64_t expires_at_ms, std::int64_t now_ms) { return expires_at_ms == 0 || expires_at_ms > now_ms; }

  const Value* live(const std::string& key, std::int64_t now_ms) const {
    const auto found = values_.find(key);
    return found != values_.end() && is_live(found->second.expires_at_ms, now_ms) ? &found->second : nullptr;
  }

  void apply_event(EventWrites& event, std::int64_t now_ms, ApplyResult& result) {
    if (!event.event_id.empty()) {
      auto [remembered, fresh] = event_ids_.try_emplace(event.event_id, 0);
      if (!fresh && is_live(remembered->second, now_ms)) {
        ++result.duplicates;
        return;
      }
      remembered->second = now_ms + kEventIdWindowMs;
    }
    for (const CounterWrite& write : event.writes) apply_write(write, now_ms);
    if (!event.snowplow_event.empty()) {
      if (outbox_.depth() >= outbox_max_events_) ++result.snowplow_dropped;
      else outbox_.add(std::move(event.snowplow_event), now_ms);
    }
    ++result.applied;
  }

  // Redis's WRONGTYPE, checked before anything is written so that a failed commit writes nothing.
  void check_kinds(const std::vector<EventWrites>& events, std::int64_t now_ms) const {
    for (const EventWrites& event : events) {
      for (const CounterWrite& write : event.writes) {
        const Value* value = live(write.key.str(), now_ms);
        if (value && value->hll.has_value() != (write.operation == CounterOperation::pfadd)) {
          throw std::runtime_error("WRONGTYPE " + write.key.str() + " holds another kind of value");
        }
      }
    }
  }

  // Redis's semantics: an expired key is gone, and a key's first write makes it.
  void apply_write(const CounterWrite& write, std::int64_t now_ms) {
    const bool hll = write.operation == CounterOperation::pfadd;
    auto [at, fresh] = values_.try_emplace(write.key.str());
    Value& value = at->second;
    if (fresh || !is_live(value.expires_at_ms, now_ms)) {
      value = {};
      if (hll) value.hll.emplace();
    }
    if (hll) value.hll->add(write.member);
    else value.number += write.operation == CounterOperation::incr ? 1 : write.amount;
    const std::int64_t six_weeks = now_ms + kWeeklyKeyTtlSeconds * 1000;
    if (write.expiry == Expiry::refresh || (write.expiry == Expiry::if_none && value.expires_at_ms == 0)) {
      value.expires_at_ms = six_weeks;
    }
  }

  std::mutex mutex_;
  std::map<std::string, Value> values_;
  std::map<std::string, std::int64_t> event_ids_;  // id → when it is forgotten
  std::map<std::string, std::string> settings_;
  MemoryOutbox outbox_;
  std::uint64_t outbox_max_events_ = kDefaultOutboxMaxEvents;
};

}  // namespace ie::test_support
