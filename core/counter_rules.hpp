#pragma once
// Which counters a tracked event updates. Every event has an all-time and a weekly total; each
// metric entry that names the event adds one rule (unique, total or sum; weekly for 7d/28d metrics,
// all-time for `all`), with its filter. Equal rules are kept once.
//
//   path = event [ "-operator:" op ] [ "-filter:[" k1:v1,k2:v2 "]" ] [ "-" unique_name ]
//   key  = "{" slot "}_" path [ "-" ISO-year "-" ISO-week ]
//   slot = hll_counters (unique) | event_counters (total) | event_sums (sum)
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/definitions.hpp"
#include "core/event.hpp"
#include "core/iso_week.hpp"

namespace ie {

enum class CounterKind { unique, total, sum };
enum class CounterPeriod { all_time, weekly };

struct CounterRule {
  CounterKind kind = CounterKind::total;
  CounterPeriod period = CounterPeriod::all_time;
  std::string event;
  std::string unique;                    // unique rules: user.id, project.id, namespace.id, label, …
  std::map<std::string, Scalar> filter;  // sorted by key, as the path lists them

  std::string path() const;
  // The key for one week (weekly rules) or the all-time key (week absent).
  std::string key(const std::optional<IsoWeek>& week) const;
  bool matches(const Event& event) const;

 private:
  void append_path(std::string& text) const;
};

// The rule one metric entry defines under the metric's time frame.
CounterRule rule_for(const MetricEvent& entry, TimeFrame frame);

// The rules of every defined event, computed once from the definitions.
class CounterRules {
 public:
  explicit CounterRules(const Definitions& definitions);
  const std::vector<CounterRule>& for_event(const std::string& event) const;

 private:
  std::unordered_map<std::string, std::vector<CounterRule>> rules_by_event_;  // looked up per tracked event
};

}  // namespace ie
