#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "core/counter_reads.hpp"
#include "core/counter_writes.hpp"
#include "core/event_validation.hpp"
#include "core/key_encoding.hpp"
#include "tests/core/definitions_fixture.hpp"

using namespace ie;
using nlohmann::json;

namespace {

const Definitions& example_definitions() {
  static const Definitions definitions = test::definitions_from(
      json::array({
          {{"action", "create_merge_request"}, {"identifiers", {"user", "project"}}},
          {{"action", "x"}, {"additional_properties", {{"label", {{"description", "format"}}}, {"property", nullptr}, {"value", nullptr}}}},
      }),
      json::array({
          {{"key_path", "mr_users"}, {"time_frame", json::array({"7d", "28d"})}, {"events", {{{"name", "create_merge_request"}, {"unique", "user.id"}}}}},
          {{"key_path", "mr_users_again"}, {"time_frame", "28d"}, {"events", {{{"name", "create_merge_request"}, {"unique", "user.id"}}}}},
          {{"key_path", "mr_total"}, {"time_frame", "all"}, {"events", {{{"name", "create_merge_request"}}}}},
          {{"key_path", "rubygems"}, {"time_frame", "7d"}, {"events", {{{"name", "x"}, {"filter", {{"label", "rubygems"}}}}}}},
          {{"key_path", "odd"}, {"time_frame", "7d"}, {"events", {{{"name", "x"}, {"filter", {{"property", "a b,c]"}, {"label", "npm"}}}}}}},
          {{"key_path", "sum"}, {"time_frame", json::array({"7d", "all"})}, {"operator", "sum(value)"}, {"events", {{{"name", "x"}}}}},
          {{"key_path", "labels"}, {"time_frame", "28d"}, {"events", {{{"name", "x"}, {"unique", "label"}}}}},
      }));
  return definitions;
}

Event valid(const EventInput& input) {
  auto result = validate_event(example_definitions(), input);
  REQUIRE(std::holds_alternative<Event>(result));
  return std::get<Event>(result);
}

std::set<std::string> keys_written(const EventInput& input, const char* date) {
  const CounterRules rules(example_definitions());
  std::set<std::string> keys;
  for (const auto& write : plan_counter_writes(rules.for_event(input.name), valid(input), *parse_date(date)).writes) keys.insert(write.key);
  return keys;
}

}  // namespace

TEST_CASE("the key examples of DESIGN.md") {
  const auto keys = keys_written({"create_merge_request", {{"user", std::int64_t{7}}}, {}}, "2025-02-12");
  CHECK(keys == std::set<std::string>{
                    "{event_counters}_create_merge_request",
                    "{event_counters}_create_merge_request-2025-07",
                    "{hll_counters}_create_merge_request-user-2025-07",
                });
  const auto filtered = keys_written({"x", {}, {{"label", std::string("rubygems")}}}, "2025-02-12");
  CHECK(filtered.count("{event_counters}_x-filter:[label:rubygems]-2025-07"));
}

TEST_CASE("filters: keys sorted, odd values percent-encoded, typed equality") {
  const auto keys = keys_written({"x", {}, {{"label", std::string("npm")}, {"property", std::string("a b,c]")}}}, "2021-01-03");
  CHECK(keys.count("{event_counters}_x-filter:[label:npm,property:a%20b%2Cc%5D]-2020-53"));
  CHECK_FALSE(keys.count("{event_counters}_x-filter:[label:rubygems]-2020-53"));
  CHECK(encode_key_part("ünï-code_ok:1") == "%C3%BCn%C3%AF-code_ok:1");
}

TEST_CASE("typed filter equality: a number never equals its string, integers equal floats") {
  CHECK(scalar_equal(Scalar{std::int64_t{1}}, Scalar{1.0}));
  CHECK_FALSE(scalar_equal(Scalar{std::int64_t{1}}, Scalar{std::string("1")}));
  CHECK_FALSE(scalar_equal(Scalar{true}, Scalar{std::int64_t{1}}));
  CounterRule rule{CounterKind::total, CounterPeriod::weekly, "x", "", {{"value", std::int64_t{3}}}};
  Event event{"x", {}, {}, {}, {{"value", 3.0}}};
  CHECK(rule.matches(event));
  event.properties["value"] = std::string("3");
  CHECK_FALSE(rule.matches(event));
  event.properties.erase("value");
  CHECK_FALSE(rule.matches(event));
}

TEST_CASE("rules are deduplicated and unique rules are skipped without their identifier") {
  const CounterRules rules(example_definitions());
  // all-time total, weekly total (mr_total's all-time total is the same rule), one weekly unique
  CHECK(rules.for_event("create_merge_request").size() == 3);
  const auto plan = plan_counter_writes(rules.for_event("create_merge_request"), valid({"create_merge_request", {}, {}}), *parse_date("2025-02-12"));
  CHECK(plan.writes.size() == 2);
  REQUIRE(plan.skipped.size() == 1);
  CHECK(plan.skipped[0].unique == "user.id");
  CHECK(plan.skipped[0].reason() == "missing user.id");
}

TEST_CASE("writes: members, amounts and expiry follow GitLab") {
  const CounterRules rules(example_definitions());
  const auto plan = plan_counter_writes(rules.for_event("x"), valid({"x", {}, {{"label", std::string("go")}, {"value", 2.5}}}), *parse_date("2025-02-12"));
  auto find = [&](const std::string& key) {
    auto found = std::find_if(plan.writes.begin(), plan.writes.end(), [&](const CounterWrite& w) { return w.key == key; });
    REQUIRE(found != plan.writes.end());
    return *found;
  };
  CHECK(find("{event_counters}_x").expiry == Expiry::never);
  CHECK(find("{event_counters}_x-2025-07").expiry == Expiry::if_none);
  const auto unique = find("{hll_counters}_x-label-2025-07");
  CHECK(unique.operation == CounterOperation::pfadd);
  CHECK(unique.member == "go");
  CHECK(unique.expiry == Expiry::refresh);
  const auto weekly_sum = find("{event_sums}_x-operator:sum(value)-2025-07");
  CHECK(weekly_sum.operation == CounterOperation::incrbyfloat);
  CHECK(weekly_sum.amount == 2.5);
  CHECK(weekly_sum.expiry == Expiry::if_none);
  CHECK(find("{event_sums}_x-operator:sum(value)").expiry == Expiry::never);
  // No value, no sum.
  const auto no_value = plan_counter_writes(rules.for_event("x"), valid({"x", {}, {}}), *parse_date("2025-02-12"));
  CHECK(std::none_of(no_value.writes.begin(), no_value.writes.end(), [](const CounterWrite& w) { return w.operation == CounterOperation::incrbyfloat; }));
}

TEST_CASE("reads: 7d is the last complete week, 28d the last four, all the all-time key") {
  const CounterRule weekly_users{CounterKind::unique, CounterPeriod::weekly, "create_merge_request", "user.id", {}};
  const Date today = *parse_date("2021-01-06");  // 2021-W01
  CHECK(keys_to_read(weekly_users, ReadWindow::seven_days, today) == std::vector<std::string>{"{hll_counters}_create_merge_request-user-2020-53"});
  CHECK(keys_to_read(weekly_users, ReadWindow::current_week, today) == std::vector<std::string>{"{hll_counters}_create_merge_request-user-2021-01"});
  CHECK(keys_to_read(weekly_users, ReadWindow::twenty_eight_days, today) ==
        std::vector<std::string>{"{hll_counters}_create_merge_request-user-2020-53", "{hll_counters}_create_merge_request-user-2020-52",
                                 "{hll_counters}_create_merge_request-user-2020-51", "{hll_counters}_create_merge_request-user-2020-50"});
  const CounterRule total{CounterKind::total, CounterPeriod::all_time, "create_merge_request", "", {}};
  CHECK(keys_to_read(total, ReadWindow::all, today) == std::vector<std::string>{"{event_counters}_create_merge_request"});

  const MetricRead monthly = metric_read(*example_definitions().find_metric("mr_users_monthly"), today);
  CHECK(monthly.kind == CounterKind::unique);
  CHECK(monthly.keys.size() == 4);
}
