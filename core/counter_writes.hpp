#pragma once
// The counter operations one validated event causes on a given day, in Redis's terms, so every
// store (Redis itself, or SQLite holding Redis's bytes) applies exactly the same thing.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/counter_key.hpp"
#include "core/counter_rules.hpp"

namespace ie {

inline constexpr std::int64_t kWeeklyKeyTtlSeconds = 6 * 7 * 24 * 3600;  // 3628800: six weeks

enum class CounterOperation { pfadd, incr, incrbyfloat };

// When a key gets the six-week TTL: never (all-time keys), on every write (weekly HLLs), or only
// when the key has none yet (weekly totals and sums, as GitLab does).
enum class Expiry { never, refresh, if_none };

struct CounterWrite {
  CounterOperation operation;
  CounterKey key;
  std::string member;  // pfadd: the identifier or property value as text
  double amount = 1;   // incrbyfloat: the event's value
  Expiry expiry = Expiry::never;
};

// A unique rule that did not apply: the event lacks its identifier.
struct SkippedRule {
  std::string key;     // {hll_counters}_EVENT-user-2021-01
  std::string unique;  // user.id
  std::string reason() const { return "missing " + unique; }
  std::string text() const { return key + ": the event has no " + unique; }
};

struct CounterPlan {
  std::vector<CounterWrite> writes;
  std::vector<SkippedRule> skipped;
};

// The keys of one day's writes, each rule's built once and kept: the events of a batch share
// their rules, and building keys was a third of planning an event's writes. The rules must outlive
// it (they are looked up by address).
class DayKeys {
 public:
  explicit DayKeys(const Date& today) : today_(today), week_(iso_week_of(today)) {}
  const Date& day() const { return today_; }
  CounterKey key(const CounterRule& rule);

 private:
  Date today_;
  IsoWeek week_;
  std::unordered_map<const CounterRule*, CounterKey> keys_;
};

CounterPlan plan_counter_writes(const std::vector<CounterRule>& rules, const Event& event, DayKeys& keys);
// The same into a plan whose vectors are reused: it is cleared first.
void plan_counter_writes(const std::vector<CounterRule>& rules, const Event& event, DayKeys& keys, CounterPlan& plan);
CounterPlan plan_counter_writes(const std::vector<CounterRule>& rules, const Event& event, const Date& today);

}  // namespace ie
