#include "core/counter_writes.hpp"

namespace ie {

namespace {

// The member a unique rule adds: an identifier in decimal, or a property's value as text.
std::optional<std::string> unique_member(const CounterRule& rule, const Event& event) {
  const std::string_view unique = rule.unique;
  const auto dot = unique.find('.');
  if (dot != std::string_view::npos) {
    const auto id = event.identifier(unique.substr(0, dot));
    if (!id) return std::nullopt;
    return std::to_string(*id);
  }
  const Scalar* value = event.property(rule.unique);
  if (!value) return std::nullopt;
  return scalar_text(*value);
}

}  // namespace

CounterKey DayKeys::key(const CounterRule& rule) {
  const auto found = keys_.find(&rule);
  if (found != keys_.end()) return found->second;
  const CounterKey key(rule.key(rule.period == CounterPeriod::weekly ? std::optional<IsoWeek>(week_) : std::nullopt));
  keys_.emplace(&rule, key);
  return key;
}

CounterPlan plan_counter_writes(const std::vector<CounterRule>& rules, const Event& event, const Date& today) {
  DayKeys keys(today);
  return plan_counter_writes(rules, event, keys);
}

CounterPlan plan_counter_writes(const std::vector<CounterRule>& rules, const Event& event, DayKeys& keys) {
  CounterPlan plan;
  plan_counter_writes(rules, event, keys, plan);
  return plan;
}

void plan_counter_writes(const std::vector<CounterRule>& rules, const Event& event, DayKeys& keys, CounterPlan& plan) {
  plan.writes.clear();
  plan.skipped.clear();
  plan.writes.reserve(rules.size());
  for (const auto& rule : rules) {
    if (!rule.matches(event)) continue;
    const bool weekly = rule.period == CounterPeriod::weekly;
    const CounterKey key = keys.key(rule);
    switch (rule.kind) {
      case CounterKind::unique: {
        auto member = unique_member(rule, event);
        if (!member) {
          plan.skipped.push_back({key.str(), rule.unique});
          continue;
        }
        plan.writes.push_back({CounterOperation::pfadd, key, std::move(*member), 1, weekly ? Expiry::refresh : Expiry::never});
        break;
      }
      case CounterKind::total:
        plan.writes.push_back({CounterOperation::incr, key, "", 1, weekly ? Expiry::if_none : Expiry::never});
        break;
      case CounterKind::sum: {
        const Scalar* value = event.property("value");
        if (!value || !is_number(*value)) continue;  // sums count only events that carry a value
        plan.writes.push_back({CounterOperation::incrbyfloat, key, "", as_double(*value), weekly ? Expiry::if_none : Expiry::never});
        break;
      }
    }
  }
}

}  // namespace ie
