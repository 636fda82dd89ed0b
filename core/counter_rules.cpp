#include "core/counter_rules.hpp"

#include <algorithm>

#include "core/key_encoding.hpp"

namespace ie {

namespace {

const char* slot_of(CounterKind kind) {
  switch (kind) {
    case CounterKind::unique: return "hll_counters";
    case CounterKind::total: return "event_counters";
    case CounterKind::sum: return "event_sums";
  }
  return "event_counters";
}

void append_filter(std::string& text, const std::map<std::string, Scalar>& filter) {
  text += "-filter:[";
  bool first = true;
  for (const auto& [key, value] : filter) {
    if (!first) text += ',';
    text += encode_key_part(key);
    text += ':';
    text += encode_key_part(scalar_text(value));
    first = false;
  }
  text += ']';
}

bool same_rule(const CounterRule& a, const CounterRule& b) {
  return a.kind == b.kind && a.period == b.period && a.path() == b.path();
}

}  // namespace

std::string CounterRule::path() const {
  std::string text;
  append_path(text);
  return text;
}

// Built in one string: every tracked event asks for its keys.
std::string CounterRule::key(const std::optional<IsoWeek>& week) const {
  std::string text;
  text.reserve(64);
  text += '{';
  text += slot_of(kind);
  text += "}_";
  append_path(text);
  if (week) {
    text += '-';
    text += week_suffix(*week);
  }
  return text;
}

void CounterRule::append_path(std::string& text) const {
  text += event;
  if (kind == CounterKind::sum) {
    text += "-operator:";
    text += kSumOperator;
  }
  if (!filter.empty()) append_filter(text, filter);
  if (kind == CounterKind::unique) {
    text += '-';
    text += std::string_view(unique).substr(0, unique.find('.'));
  }
}

bool CounterRule::matches(const Event& tracked) const {
  return std::all_of(filter.begin(), filter.end(), [&](const auto& condition) {
    const Scalar* actual = tracked.property(condition.first);
    return actual && scalar_equal(*actual, condition.second);
  });
}

CounterRule rule_for(const MetricEvent& entry, TimeFrame frame) {
  CounterRule rule;
  rule.event = entry.name;
  rule.kind = entry.operator_ ? CounterKind::sum : entry.unique ? CounterKind::unique : CounterKind::total;
  rule.period = frame == TimeFrame::all ? CounterPeriod::all_time : CounterPeriod::weekly;
  rule.unique = entry.unique.value_or("");
  rule.filter = entry.filter;
  return rule;
}

CounterRules::CounterRules(const Definitions& definitions) {
  auto add = [this](CounterRule rule) {
    auto& rules = rules_by_event_[rule.event];
    if (std::none_of(rules.begin(), rules.end(), [&](const CounterRule& known) { return same_rule(known, rule); })) {
      rules.push_back(std::move(rule));
    }
  };
  for (const auto& [name, event] : definitions.events) {
    add(CounterRule{CounterKind::total, CounterPeriod::all_time, name, "", {}});
    add(CounterRule{CounterKind::total, CounterPeriod::weekly, name, "", {}});
  }
  for (const auto& metric : definitions.metrics) {
    for (const auto& entry : metric.events) add(rule_for(entry, metric.time_frame));
  }
}

const std::vector<CounterRule>& CounterRules::for_event(const std::string& event) const {
  static const std::vector<CounterRule> none;
  const auto found = rules_by_event_.find(event);
  return found == rules_by_event_.end() ? none : found->second;
}

}  // namespace ie
