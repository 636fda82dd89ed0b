// Which metrics the monitor shows and what it reads for them: a 7d or 28d metric through the
// current week, so that an event tracked today moves it at once.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/counter_writes.hpp"
#include "core/event_validation.hpp"
#include "core/monitor_metrics.hpp"
#include "tests/core/definitions_fixture.hpp"

using namespace ie;
using nlohmann::json;

namespace {

const Definitions& definitions() {
  static const Definitions loaded = test::definitions_from(
      json::array({
          {{"action", "pull_package"}, {"identifiers", {"user", "project"}}, {"additional_properties", {{"label", nullptr}}}},
          {{"action", "push_package"}, {"identifiers", {"user"}}},
      }),
      json::array({
          {{"key_path", "pull_users_weekly"}, {"time_frame", "7d"}, {"events", {{{"name", "pull_package"}, {"unique", "user.id"}}}}},
          {{"key_path", "pull_npm_monthly"}, {"time_frame", "28d"}, {"events", {{{"name", "pull_package"}, {"filter", {{"label", "npm"}}}}}}},
          {{"key_path", "push_total"}, {"time_frame", "all"}, {"events", {{{"name", "push_package"}}}}},
          {{"key_path", "packages_weekly"}, {"time_frame", "7d"},
           {"events", {{{"name", "push_package"}, {"unique", "user.id"}}, {{"name", "pull_package"}, {"unique", "user.id"}}}}},
      }));
  return loaded;
}

const MetricDefinition& metric(const char* key_path) { return *definitions().find_metric(key_path); }

std::vector<std::string> key_paths(const std::vector<const MetricDefinition*>& metrics) {
  std::vector<std::string> paths;
  for (const auto* found : metrics) paths.push_back(found->key_path);
  return paths;
}

bool reads(const MetricRead& read, const std::string& key) { return std::find(read.keys.begin(), read.keys.end(), key) != read.keys.end(); }

const Date kWednesday{2026, 12, 9};  // in 2026-W50

}  // namespace

TEST_CASE("the metrics shown are those counting any event asked for, in definition order; none asked for is all") {
  CHECK(key_paths(metrics_counting(definitions(), {"pull_package"})) == std::vector<std::string>{"pull_users_weekly", "pull_npm_monthly", "packages_weekly"});
  CHECK(key_paths(metrics_counting(definitions(), {"push_package"})) == std::vector<std::string>{"push_total", "packages_weekly"});
  CHECK(metrics_counting(definitions(), {}).size() == 4);
  CHECK(metrics_counting(definitions(), {"no_such_event"}).empty());
  CHECK(events_counted_by(metric("packages_weekly")) == std::vector<std::string>{"push_package", "pull_package"});
  CHECK(undefined_events(definitions(), {"pull_package", "pul_package", "x"}) == std::vector<std::string>{"pul_package", "x"});
  CHECK(std::string(time_frame_name(metric("pull_npm_monthly").time_frame)) == "28d");
}

TEST_CASE("a 7d metric reads its last complete week and the current one; 28d its four and the current one") {
  const MetricRead weekly = monitor_read(metric("pull_users_weekly"), kWednesday);
  CHECK(weekly.kind == CounterKind::unique);
  CHECK(weekly.keys == std::vector<std::string>{"{hll_counters}_pull_package-user-2026-49", "{hll_counters}_pull_package-user-2026-50"});
  const MetricRead monthly = monitor_read(metric("pull_npm_monthly"), kWednesday);
  CHECK(monthly.keys.size() == 5);
  CHECK(monthly.keys.back() == "{event_counters}_pull_package-filter:[label:npm]-2026-50");
  CHECK(monthly.keys.front() == "{event_counters}_pull_package-filter:[label:npm]-2026-49");
  // Every entry of a metric over several events gets its current week.
  const MetricRead both = monitor_read(metric("packages_weekly"), kWednesday);
  CHECK(reads(both, "{hll_counters}_push_package-user-2026-50"));
  CHECK(reads(both, "{hll_counters}_pull_package-user-2026-50"));
  CHECK(both.keys.size() == 4);
}

TEST_CASE("an all-time metric reads as it always does") {
  CHECK(monitor_read(metric("push_total"), kWednesday).keys == metric_read(metric("push_total"), kWednesday).keys);
}

TEST_CASE("an event tracked today writes a key the monitor reads, and the service ping's 7d read does not") {
  const CounterRules rules(definitions());
  const auto validated = validate_event(definitions(), EventInput{"pull_package", {{"user", std::int64_t{5}}, {"project", std::int64_t{3}}}, {{"label", std::string("npm")}}});
  REQUIRE(std::holds_alternative<Event>(validated));
  const auto writes = plan_counter_writes(rules.for_event("pull_package"), std::get<Event>(validated), kWednesday).writes;
  for (const char* key_path : {"pull_users_weekly", "pull_npm_monthly"}) {
    CAPTURE(key_path);
    const auto written = [&](const MetricRead& read) {
      return std::any_of(writes.begin(), writes.end(), [&](const CounterWrite& write) { return reads(read, write.key.str()); });
    };
    CHECK(written(monitor_read(metric(key_path), kWednesday)));
    CHECK_FALSE(written(metric_read(metric(key_path), kWednesday)));
  }
}
