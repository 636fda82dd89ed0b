// The two stores against each other and against hand-counted numbers: a real SQLite file in a
// temporary folder and a real redis-server on a free loopback port.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/counter_reads.hpp"
#include "core/counter_writes.hpp"
#include "core/event_validation.hpp"
#include "native/definitions_loader.hpp"
#include "native/store/redis_store.hpp"
#include "native/store/sqlite_store.hpp"
#include "tests/support/redis_server.hpp"

using namespace ie;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kWeekMs = 7LL * 24 * 3600 * 1000;
constexpr std::int64_t kTtlMs = kWeeklyKeyTtlSeconds * 1000;

std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct TempFolder {
  fs::path path;
  TempFolder() {
    static int created = 0;
    path = fs::temp_directory_path() / ("ie-store-" + std::to_string(::getpid()) + "-" + std::to_string(++created));
    fs::remove_all(path);
  }
  ~TempFolder() { fs::remove_all(path); }
  std::string sqlite_url() const { return "sqlite:" + (path / "nested" / "counters.sqlite3").string(); }
};

// One tracked event on one day: what a caller hands in, plus an optional event id.
struct Tracked {
  Date day;
  std::string event;
  Fields identifiers;
  Fields properties;
  std::string event_id;
};

EventWrites counter_writes(const std::vector<CounterWrite>& writes, std::string id = "") {
  return {std::move(id), {writes.begin(), writes.end()}};
}

// The config/ definitions turned into counter writes, as the tracker does it.
class Planner {
 public:
  Planner() : definitions_(load_definitions("config")), rules_(definitions_) {}

  EventWrites writes(const Tracked& tracked) const {
    const auto validated = validate_event(definitions_, {tracked.event, tracked.identifiers, tracked.properties});
    if (const auto* error = std::get_if<EventError>(&validated)) FAIL(error->message);
    const Event& event = std::get<Event>(validated);
    return counter_writes(plan_counter_writes(rules_.for_event(event.name), event, tracked.day).writes, tracked.event_id);
  }

  std::vector<EventWrites> writes(const std::vector<Tracked>& sequence) const {
    std::vector<EventWrites> all;
    for (const auto& tracked : sequence) all.push_back(writes(tracked));
    return all;
  }

  // Every metric of config/ read on `today`, by key_path.
  std::map<std::string, double> metrics(CounterStore& store, const Date& today, std::int64_t now_ms) const {
    std::map<std::string, double> values;
    for (const auto& metric : definitions_.metrics) {
      const MetricRead read = metric_read(metric, today);
      values[metric.key_path] = read.kind == CounterKind::unique ? static_cast<double>(store.count_unique(read.keys, now_ms))
                                                                 : store.sum(read.keys, now_ms);
    }
    return values;
  }

 private:
  Definitions definitions_;
  CounterRules rules_;
};

Tracked suggestion(Date day, std::int64_t user, std::string id = "") {
  return {day, "i_code_review_user_apply_suggestion", {{"user", user}, {"project", std::int64_t{7}}}, {{"label", std::string("diff")}}, id};
}

Tracked pull(Date day, std::int64_t user, std::int64_t project, const std::string& label, const std::string& property) {
  return {day, "pull_package", {{"user", user}, {"project", project}, {"namespace", project * 100}}, {{"label", label}, {"property", property}}, ""};
}

Tracked adoption(Date day, std::int64_t user, Scalar value) {
  return {day, "i_analytics_dev_ops_adoption", {{"user", user}}, {{"value", value}}, ""};
}

// A small sequence across the ISO year boundary (2021-01-03 is a Sunday of 2020-W53), counted by hand.
std::vector<Tracked> small_sequence() {
  const Date w53_monday{2020, 12, 28}, w53_thursday{2020, 12, 31}, w53_friday{2021, 1, 1}, w53_sunday{2021, 1, 3};
  const Date w01_monday{2021, 1, 4}, w01_tuesday{2021, 1, 5};
  return {
      suggestion(w53_monday, 1), suggestion(w53_monday, 2), suggestion(w53_monday, 3),
      suggestion(w53_sunday, 3), suggestion(w53_sunday, 4),
      suggestion(w01_monday, 1), suggestion(w01_monday, 5),
      pull(w53_thursday, 1, 10, "rubygems", "deploy_token"), pull(w53_thursday, 2, 11, "rubygems", "guest"),
      pull(w53_thursday, 3, 10, "npm", "deploy_token"), pull(w53_thursday, 1, 12, "rubygems", "deploy_token"),
      adoption(w53_friday, 1, 0.1), adoption(w53_friday, 2, 0.2), adoption(w53_friday, 1, 2.5),
      adoption(w01_tuesday, 3, std::int64_t{1}),
  };
}

// A longer sequence, 2020-12-28 … 2021-01-20, with one HLL large enough to turn dense.
std::vector<Tracked> long_sequence() {
  std::vector<Tracked> sequence;
  const std::int64_t first = days_since_epoch({2020, 12, 28});
  for (std::int64_t n = 0; n < 24; ++n) {
    const Date day = date_from_days(first + n);
    for (std::int64_t i = 0; i < 6 + n % 4; ++i) {
      sequence.push_back(suggestion(day, (n * 3 + i * 7) % 23 + 1, i % 2 ? "long-" + std::to_string(n) + "-" + std::to_string(i) : ""));
      sequence.push_back(pull(day, i + 1, (n + i) % 5 + 1, i % 3 ? "rubygems" : "npm", i % 2 ? "deploy_token" : "guest"));
      sequence.push_back(adoption(day, i % 4 + 1, 0.1 * static_cast<double>(i + 1) + 0.25 * static_cast<double>(n)));
    }
  }
  for (std::int64_t user = 1000; user < 3000; ++user) sequence.push_back(suggestion({2021, 1, 2}, user));
  return sequence;
}

void apply_in_batches(CounterStore& store, const std::vector<EventWrites>& events, std::int64_t now_ms) {
  for (std::size_t from = 0; from < events.size(); from += 100) {
    const auto to = std::min(events.size(), from + 100);
    store.apply({events.begin() + static_cast<std::ptrdiff_t>(from), events.begin() + static_cast<std::ptrdiff_t>(to)}, now_ms);
  }
}

CounterWrite pfadd(const std::string& key, const std::string& member, Expiry expiry = Expiry::refresh) {
  return {CounterOperation::pfadd, CounterKey(key), member, 1, expiry};
}
CounterWrite incr(const std::string& key, Expiry expiry = Expiry::if_none) { return {CounterOperation::incr, CounterKey(key), "", 1, expiry}; }

// Metric by metric, so a difference names its key_path.
void check_metrics(const std::map<std::string, double>& actual, const std::map<std::string, double>& expected) {
  for (const auto& [key_path, value] : expected) {
    CAPTURE(key_path);
    REQUIRE(actual.count(key_path));
    CHECK(actual.at(key_path) == value);
  }
}

std::map<std::string, StoredKey> by_key(const std::vector<StoredKey>& keys) {
  std::map<std::string, StoredKey> map;
  for (const auto& stored : keys) map.emplace(stored.key, stored);
  return map;
}

}  // namespace

TEST_CASE("both stores give the hand-counted numbers across the ISO year boundary") {
  const Planner planner;
  TempFolder folder;
  test::RedisServer server;
  const auto events = planner.writes(small_sequence());
  const std::int64_t now = wall_clock_ms();

  const std::map<std::string, double> in_2021_w01 = {
      {"redis_hll_counters.code_review.i_code_review_user_apply_suggestion_weekly", 4},
      {"redis_hll_counters.code_review.i_code_review_user_apply_suggestion_monthly", 4},
      {"counts.count_total_i_code_review_user_apply_suggestion_weekly", 5},
      {"counts.count_total_i_code_review_user_apply_suggestion_monthly", 5},
      {"counts.count_total_i_code_review_user_apply_suggestion", 7},
      {"redis_hll_counters.package_registry.count_distinct_project_id_from_pull_package_weekly", 3},
      {"redis_hll_counters.package_registry.count_distinct_project_id_from_pull_package_monthly", 3},
      {"redis_hll_counters.package_registry.count_distinct_namespace_id_from_pull_package_weekly", 3},
      {"redis_hll_counters.package_registry.count_distinct_namespace_id_from_pull_package_monthly", 3},
      {"counts.count_total_pull_package_rubygems_by_deploy_token_weekly", 2},
      {"counts.count_total_pull_package_rubygems_by_deploy_token_monthly", 2},
      {"counts.count_total_pull_package_rubygems_by_deploy_token", 2},
      {"redis_hll_counters.package_registry.count_distinct_user_id_from_pull_package_rubygems_weekly", 2},
      {"redis_hll_counters.package_registry.count_distinct_user_id_from_pull_package_rubygems_monthly", 2},
      {"redis_hll_counters.analytics.i_analytics_dev_ops_adoption_weekly", 2},
      {"redis_hll_counters.analytics.i_analytics_dev_ops_adoption_monthly", 2},
      {"counts.count_total_i_analytics_dev_ops_adoption_weekly", 3},
      {"counts.count_total_i_analytics_dev_ops_adoption_monthly", 3},
      {"counts.count_total_i_analytics_dev_ops_adoption", 4},
      {"counts.sum_render_seconds_from_i_analytics_dev_ops_adoption_weekly", 2.8},
      {"counts.sum_render_seconds_from_i_analytics_dev_ops_adoption_monthly", 2.8},
      {"counts.sum_render_seconds_from_i_analytics_dev_ops_adoption", 3.8},
  };
  std::map<std::string, double> in_2021_w02 = in_2021_w01;
  for (auto& [key_path, value] : in_2021_w02) {
    if (key_path.ends_with("_weekly")) value = 0;
  }
  in_2021_w02["redis_hll_counters.code_review.i_code_review_user_apply_suggestion_weekly"] = 2;
  in_2021_w02["redis_hll_counters.code_review.i_code_review_user_apply_suggestion_monthly"] = 5;
  in_2021_w02["counts.count_total_i_code_review_user_apply_suggestion_weekly"] = 2;
  in_2021_w02["counts.count_total_i_code_review_user_apply_suggestion_monthly"] = 7;
  in_2021_w02["redis_hll_counters.analytics.i_analytics_dev_ops_adoption_weekly"] = 1;
  in_2021_w02["redis_hll_counters.analytics.i_analytics_dev_ops_adoption_monthly"] = 3;
  in_2021_w02["counts.count_total_i_analytics_dev_ops_adoption_weekly"] = 1;
  in_2021_w02["counts.count_total_i_analytics_dev_ops_adoption_monthly"] = 4;
  in_2021_w02["counts.sum_render_seconds_from_i_analytics_dev_ops_adoption_weekly"] = 1;
  in_2021_w02["counts.sum_render_seconds_from_i_analytics_dev_ops_adoption_monthly"] = 3.8;

  for (const std::string& url : {folder.sqlite_url(), server.url()}) {
    CAPTURE(url);
    const auto store = open_store(url);
    CHECK(store->apply(events, now).applied == events.size());
    check_metrics(planner.metrics(*store, {2021, 1, 5}, now), in_2021_w01);
    check_metrics(planner.metrics(*store, {2021, 1, 12}, now), in_2021_w02);
    // Redis's INCRBYFLOAT text: long-double sums printed with trailing zeros removed.
    CHECK(by_key(store->dump(now))["{event_sums}_i_analytics_dev_ops_adoption-operator:sum(value)-2020-53"].value == "2.8");
  }
}

TEST_CASE("SQLite and Redis hold byte-identical counters and read identical metrics") {
  const Planner planner;
  TempFolder folder;
  test::RedisServer server;
  const auto events = planner.writes(long_sequence());
  const std::int64_t now = wall_clock_ms();
  const auto sqlite = open_store(folder.sqlite_url());
  const auto redis = open_store(server.url());
  apply_in_batches(*sqlite, events, now);
  apply_in_batches(*redis, events, now);

  // Before any read: a single-key PFCOUNT rewrites the cached cardinality in Redis's bytes.
  const auto in_sqlite = by_key(sqlite->dump(now));
  const auto in_redis = by_key(redis->dump(now));
  REQUIRE(in_sqlite.size() == in_redis.size());
  for (const auto& [key, stored] : in_sqlite) {
    CAPTURE(key);
    REQUIRE(in_redis.count(key));
    CHECK(stored.value == in_redis.at(key).value);
    CHECK((stored.expires_at_ms == 0) == (in_redis.at(key).expires_at_ms == 0));
  }

  for (const Date today : {Date{2020, 12, 30}, Date{2021, 1, 4}, Date{2021, 1, 11}, Date{2021, 1, 18}, Date{2021, 1, 25}}) {
    CAPTURE(format_date(today));
    check_metrics(planner.metrics(*sqlite, today, now), planner.metrics(*redis, today, now));
  }
  CHECK(planner.metrics(*sqlite, {2021, 1, 4}, now).at("redis_hll_counters.code_review.i_code_review_user_apply_suggestion_weekly") ==
        doctest::Approx(2023).epsilon(0.02));
}

TEST_CASE("one large batch with repeated ids leaves the same counters in SQLite and Redis") {
  // Redis gets one PFADD per key: 2400 members need more than one chunk of the script's unpack.
  const Planner planner;
  TempFolder folder;
  test::RedisServer server;
  std::vector<Tracked> sequence;
  for (std::int64_t n = 0; n < 2400; ++n) {
    const Date day = n % 3 ? Date{2021, 1, 2} : Date{2021, 1, 4};
    const std::string id = n % 4 ? "big-" + std::to_string(n % 7 ? n : n - 5) : "";
    sequence.push_back(suggestion(day, n + 1, id));
    if (n % 5 == 0) {
      Tracked sum = adoption(day, n, 0.1 * static_cast<double>(n));
      sum.event_id = id.empty() ? "" : id + "-sum";
      sequence.push_back(sum);
    }
  }
  const auto events = planner.writes(sequence);
  const std::int64_t now = wall_clock_ms();
  const auto sqlite = open_store(folder.sqlite_url());
  const auto redis = open_store(server.url());
  const ApplyResult in_sqlite = sqlite->apply(events, now);
  const ApplyResult in_redis = redis->apply(events, now);
  CHECK(in_redis.applied == in_sqlite.applied);
  CHECK(in_redis.duplicates == in_sqlite.duplicates);
  CHECK(in_redis.duplicates > 0);

  const auto sqlite_keys = by_key(sqlite->dump(now));
  const auto redis_keys = by_key(redis->dump(now));
  REQUIRE(sqlite_keys.size() == redis_keys.size());
  for (const auto& [key, stored] : sqlite_keys) {
    CAPTURE(key);
    REQUIRE(redis_keys.count(key));
    CHECK(stored.value == redis_keys.at(key).value);
    CHECK((stored.expires_at_ms == 0) == (redis_keys.at(key).expires_at_ms == 0));
  }
}

TEST_CASE("an event id counts once: in a batch, across batches, across reopening, until the window ends") {
  TempFolder folder;
  test::RedisServer server;
  const std::int64_t now = wall_clock_ms();
  const auto event = [](const std::string& id) { return counter_writes({incr("{event_counters}_e", Expiry::never)}, id); };

  for (const std::string& url : {folder.sqlite_url(), server.url()}) {
    CAPTURE(url);
    // The log's ids after a duplicate are written one by one (a UUID packed): reopening finds them.
    const std::string uuid = "0b6f8a52-3c1e-4d7a-9f1b-2e4c6a8d0f13";
    {
      const auto store = open_store(url);
      const ApplyResult first = store->apply({event("a"), event("b"), event("a"), event(""), event(uuid)}, now);
      CHECK(first.applied == 4);
      CHECK(first.duplicates == 1);
      const ApplyResult again = store->apply({event("b"), event(""), event("")}, now + 1000);
      CHECK(again.applied == 2);
      CHECK(again.duplicates == 1);
    }
    const auto reopened = open_store(url);
    CHECK(reopened->apply({event("a"), event(uuid), event("b")}, now + 2000).duplicates == 3);
    CHECK(reopened->sum({"{event_counters}_e"}, now) == 6);
    CHECK(by_key(reopened->dump(now)).count("{event_ids}_a") == 1);
  }

  // Redis expires ids by its own clock; with SQLite the window is checked against now_ms.
  const auto sqlite = open_store(folder.sqlite_url());
  CHECK(sqlite->apply({event("a")}, now + kEventIdWindowMs).duplicates == 1);
  CHECK(sqlite->apply({event("a")}, now + kEventIdWindowMs + 1).applied == 1);
  test::RedisClient redis(server);
  CHECK(redis.command({"PTTL", "{event_ids}_a"}).integer == doctest::Approx(kEventIdWindowMs).epsilon(0.001));
}

TEST_CASE("SQLite keeps Redis's TTLs: refresh on every PFADD, set once for totals, expired reads as missing") {
  TempFolder folder;
  const auto store = open_store(folder.sqlite_url());
  const std::int64_t t0 = wall_clock_ms();
  const std::string hll = "{hll_counters}_x-user-2021-01", total = "{event_counters}_x-2021-01", all_time = "{event_counters}_x";
  const auto touch = [&](std::int64_t now, const std::string& member) {
    store->apply({counter_writes({pfadd(hll, member), incr(total), incr(all_time, Expiry::never)})}, now);
  };
  touch(t0, "1");
  touch(t0 + kWeekMs, "2");

  auto keys = by_key(store->dump(t0));
  CHECK(keys[hll].expires_at_ms == t0 + kWeekMs + kTtlMs);
  CHECK(keys[total].expires_at_ms == t0 + kTtlMs);
  CHECK(keys[all_time].expires_at_ms == 0);

  CHECK(store->sum({total}, t0 + kTtlMs) == 2);
  CHECK(store->sum({total}, t0 + kTtlMs + 1) == 0);
  CHECK(store->count_unique({hll}, t0 + kTtlMs + 1) == 2);
  CHECK(store->count_unique({hll}, t0 + kWeekMs + kTtlMs + 1) == 0);
  CHECK(store->sum({all_time}, t0 + 100 * kWeekMs) == 2);
  CHECK(by_key(store->dump(t0 + kTtlMs + 1)).count(total) == 0);

  // Written after it expired: starts from nothing, with a new TTL, as Redis would.
  touch(t0 + kWeekMs + kTtlMs + 1, "3");
  keys = by_key(store->dump(t0 + kWeekMs + kTtlMs + 1));
  CHECK(keys[total].value == "1");
  CHECK(keys[total].expires_at_ms == t0 + kWeekMs + kTtlMs + 1 + kTtlMs);
  CHECK(store->count_unique({hll}, t0 + kWeekMs + kTtlMs + 1) == 1);
  CHECK(keys[all_time].value == "3");
}

TEST_CASE("Redis gets GitLab's TTL commands: EXPIRE on every PFADD, EXPIRE NX for totals") {
  test::RedisServer server;
  test::RedisClient redis(server);
  const auto store = open_store(server.url());
  const std::string hll = "{hll_counters}_x-user-2021-01", total = "{event_counters}_x-2021-01", all_time = "{event_counters}_x";
  const auto touch = [&](const std::string& member) {
    store->apply({counter_writes({pfadd(hll, member), incr(total), incr(all_time, Expiry::never)})}, 0);
  };
  touch("1");
  redis.command({"PEXPIRE", hll, "100000"});
  redis.command({"PEXPIRE", total, "100000"});
  touch("2");
  CHECK(redis.command({"PTTL", hll}).integer > 100000);
  CHECK(redis.command({"PTTL", hll}).integer <= kTtlMs);
  CHECK(redis.command({"PTTL", total}).integer <= 100000);
  CHECK(redis.command({"PTTL", all_time}).integer == -1);
  CHECK(redis.command({"PFCOUNT", hll}).integer == 2);
}

TEST_CASE("export piped into redis-cli --pipe recreates every key: same bytes, counts and expiry") {
  const char* binary = std::getenv("INTERNAL_EVENTS_BINARY");
  REQUIRE_MESSAGE(binary, "INTERNAL_EVENTS_BINARY must name the built internal-events (CTest sets it)");
  const Planner planner;
  TempFolder folder;
  const auto events = planner.writes(long_sequence());
  const std::int64_t now = wall_clock_ms();
  std::vector<StoredKey> exported;
  {
    const auto sqlite = open_store(folder.sqlite_url());
    apply_in_batches(*sqlite, events, now);
    exported = sqlite->dump(now);
  }

  const fs::path commands = folder.path / "export.resp";
  const std::string export_command = std::string("\"") + binary + "\" export --store '" + folder.sqlite_url() + "' > '" + commands.string() + "'";
  REQUIRE(std::system(export_command.c_str()) == 0);
  test::RedisServer target;
  const std::string pipe_command = "redis-cli -p " + std::to_string(target.port()) + " --pipe < '" + commands.string() + "' > '" +
                                   (folder.path / "pipe.log").string() + "' 2>&1";
  REQUIRE(std::system(pipe_command.c_str()) == 0);

  test::RedisClient redis(target);
  CHECK(redis.command({"DBSIZE"}).integer == static_cast<long long>(exported.size()));
  const auto sqlite = open_store(folder.sqlite_url());
  for (const auto& stored : exported) {
    CAPTURE(stored.key);
    CHECK(redis.command({"GET", stored.key}).text == stored.value);
    const long long ttl = redis.command({"PTTL", stored.key}).integer;
    if (stored.expires_at_ms == 0) CHECK(ttl == -1);
    else CHECK(ttl > 0);
    if (stored.key.starts_with("{hll_counters}_")) {
      CHECK(redis.command({"PFCOUNT", stored.key}).integer == static_cast<long long>(sqlite->count_unique({stored.key}, now)));
    }
  }
  const auto redis_store = open_store(target.url());
  for (const Date today : {Date{2021, 1, 4}, Date{2021, 1, 11}, Date{2021, 1, 25}}) {
    check_metrics(planner.metrics(*redis_store, today, now), planner.metrics(*sqlite, today, now));
  }
}

// Redis's dump says when a key expires as now plus its PTTL, read a little later than now.
void check_same_keys(const std::map<std::string, StoredKey>& actual, const std::map<std::string, StoredKey>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (const auto& [key, stored] : expected) {
    CAPTURE(key);
    REQUIRE(actual.count(key));
    CHECK(actual.at(key).value == stored.value);
    CHECK((actual.at(key).expires_at_ms == 0) == (stored.expires_at_ms == 0));
    CHECK(actual.at(key).expires_at_ms <= stored.expires_at_ms);
    CHECK(actual.at(key).expires_at_ms >= stored.expires_at_ms - 10000);
  }
}

TEST_CASE("restore writes a dump into a fresh store of either kind: the same keys, values and expiry, ids duplicates after") {
  const Planner planner;
  TempFolder source_folder, target_folder;
  test::RedisServer server;
  const auto events = planner.writes(long_sequence());
  const std::int64_t now = wall_clock_ms();
  const auto source = open_store(source_folder.sqlite_url());
  apply_in_batches(*source, events, now);
  const std::vector<StoredKey> dumped = source->dump(now);
  const auto expected = by_key(dumped);
  REQUIRE(expected.count("{event_ids}_long-3-1"));

  for (const std::string& url : {target_folder.sqlite_url(), server.url()}) {
    CAPTURE(url);
    {
      const auto target = open_store(url);
      CHECK(target->restore(dumped, now) == dumped.size());
      const auto restored = by_key(target->dump(now));
      check_same_keys(restored, expected);
      CHECK(target->restore(dumped, now) == dumped.size());
      check_same_keys(by_key(target->dump(now)), expected);
      for (const Date today : {Date{2021, 1, 4}, Date{2021, 1, 11}, Date{2021, 1, 25}}) {
        check_metrics(planner.metrics(*target, today, now), planner.metrics(*source, today, now));
      }
    }
    // Reopened, SQLite reads the ids from its log; a store that already knows ids in memory (the
    // next restore) learns the restored ones too.
    const auto reopened = open_store(url);
    const auto event = [](const std::string& id) { return counter_writes({incr("{event_counters}_after_restore", Expiry::never)}, id); };
    CHECK(reopened->apply({event("long-3-1"), event("new-id")}, now).duplicates == 1);
    CHECK(reopened->restore({{"{event_ids}_restored-late", "1", now + kWeekMs}}, now) == 1);
    CHECK(reopened->apply({event("restored-late")}, now).duplicates == 1);
    if (url != server.url()) CHECK(reopened->apply({event("restored-late")}, now + kWeekMs + 1).applied == 1);  // Redis: its own clock
  }
}

TEST_CASE("restore replaces what a key held, skips what has expired, and a failed SQLite restore writes nothing") {
  TempFolder folder;
  test::RedisServer server;
  const std::int64_t now = wall_clock_ms();
  for (const std::string& url : {folder.sqlite_url(), server.url()}) {
    CAPTURE(url);
    const auto store = open_store(url);
    store->apply({counter_writes({incr("{event_counters}_r", Expiry::never), incr("{event_counters}_r", Expiry::never)})}, now);
    CHECK(store->restore({{"{event_counters}_r", "5", now + kWeekMs}, {"{event_counters}_gone", "7", now - 1},
                          {"{event_ids}_gone", "1", now - 1}},
                         now) == 1);
    const auto keys = by_key(store->dump(now));
    CHECK(keys.at("{event_counters}_r").value == "5");
    CHECK(keys.at("{event_counters}_r").expires_at_ms >= now + kWeekMs - 10000);
    CHECK(keys.count("{event_counters}_gone") == 0);
    CHECK(keys.count("{event_ids}_gone") == 0);
    // Replaced, the counter counts on from its new value.
    store->apply({counter_writes({incr("{event_counters}_r", Expiry::never)})}, now);
    CHECK(store->sum({"{event_counters}_r"}, now) == 6);
    CHECK(store->restore({{"{event_sums}_s", "2.5", 0}}, now) == 1);
    CHECK(store->sum({"{event_sums}_s"}, now) == 2.5);
  }

  // Another process holds the write lock: nothing of the restore is written, the ids included.
  const auto event = [](const std::string& id) { return counter_writes({incr("{event_counters}_after", Expiry::never)}, id); };
  const auto store = open_store(folder.sqlite_url());
  CHECK(store->apply({event("warm")}, now).applied == 1);  // the store now knows its ids in memory
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open((folder.path / "nested" / "counters.sqlite3").c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK_THROWS_AS(store->restore({{"{event_counters}_r", "100", 0}, {"{event_ids}_locked-out", "1", now + kWeekMs}}, now),
                  StoreUnavailable);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK(store->sum({"{event_counters}_r"}, now) == 6);
  CHECK(store->apply({event("locked-out")}, now).applied == 1);
}

TEST_CASE("a Redis store throws StoreUnavailable while the server is down and reconnects after") {
  test::RedisServer server;
  const auto store = open_store(server.url());
  const auto one = [] { return std::vector<EventWrites>{counter_writes({incr("{event_counters}_r", Expiry::never)})}; };
  CHECK(store->apply(one(), 0).applied == 1);

  server.stop();
  CHECK_THROWS_AS(store->apply(one(), 0), StoreUnavailable);
  CHECK_THROWS_AS(store->sum({"{event_counters}_r"}, 0), StoreUnavailable);

  server.start();  // empty again (it saves nothing), and without the script: EVAL takes over
  CHECK(store->apply(one(), 0).applied == 1);
  CHECK(store->sum({"{event_counters}_r"}, 0) == 1);
}

TEST_CASE("Redis refusing a batch (out of memory) is StoreUnavailable and nothing is written") {
  test::RedisServer server;
  test::RedisClient redis(server);
  const auto store = open_store(server.url());
  CHECK(store->apply({counter_writes({incr("{event_counters}_m", Expiry::never)}, "first")}, 0).applied == 1);
  redis.command({"CONFIG", "SET", "maxmemory", "1"});
  CHECK_THROWS_AS(store->apply({counter_writes({incr("{event_counters}_m", Expiry::never)}, "second")}, 0), StoreUnavailable);
  redis.command({"CONFIG", "SET", "maxmemory", "0"});
  CHECK(redis.command({"GET", "{event_counters}_m"}).text == "1");
  CHECK(redis.command({"EXISTS", "{event_ids}_second"}).integer == 0);
}

TEST_CASE("SQLite fails a whole batch and writes nothing of it") {
  TempFolder folder;
  const auto store = open_store(folder.sqlite_url());
  const std::int64_t now = wall_clock_ms();
  store->apply({counter_writes({incr("{event_counters}_n", Expiry::never)})}, now);
  // The second event PFADDs into an integer: Redis's WRONGTYPE. The first must not stay written.
  CHECK_THROWS(store->apply({counter_writes({incr("{event_counters}_n", Expiry::never)}, "ok"),
                             counter_writes({pfadd("{event_counters}_n", "x")})},
                            now));
  CHECK(store->sum({"{event_counters}_n"}, now) == 1);
  CHECK(store->apply({counter_writes({incr("{event_counters}_n", Expiry::never)}, "ok")}, now).applied == 1);
  CHECK(store->sum({"{event_counters}_n"}, now) == 2);
}

TEST_CASE("SQLite answers StoreUnavailable while another process holds the write lock") {
  TempFolder folder;
  const auto store = open_store(folder.sqlite_url());
  const std::int64_t now = wall_clock_ms();
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open((folder.path / "nested" / "counters.sqlite3").c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK_THROWS_AS(store->apply({counter_writes({incr("{event_counters}_l", Expiry::never)})}, now), StoreUnavailable);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  CHECK(store->apply({counter_writes({incr("{event_counters}_l", Expiry::never)})}, now).applied == 1);
  CHECK(store->sum({"{event_counters}_l"}, now) == 1);
}

TEST_CASE("two SQLite writers on one file (two processes) never overwrite each other's HLL adds") {
  TempFolder folder;
  const auto first = open_store(folder.sqlite_url());
  const auto second = open_store(folder.sqlite_url());
  const std::int64_t now = wall_clock_ms();
  const std::string key = "{hll_counters}_shared-user";
  first->apply({counter_writes({pfadd(key, "a", Expiry::never)})}, now);   // now cached by the first
  second->apply({counter_writes({pfadd(key, "b", Expiry::never)})}, now);
  first->apply({counter_writes({pfadd(key, "c", Expiry::never)})}, now);
  CHECK(first->count_unique({key}, now) == 3);
}

TEST_CASE("two SQLite writers on one file (two processes) see each other's event ids") {
  TempFolder folder;
  const auto first = open_store(folder.sqlite_url());
  const auto second = open_store(folder.sqlite_url());
  const std::int64_t now = wall_clock_ms();
  const auto event = [](const std::string& id) { return counter_writes({incr("{event_counters}_shared", Expiry::never)}, id); };
  CHECK(first->apply({event("from-first")}, now).applied == 1);
  CHECK(second->apply({event("from-first"), event("from-second")}, now).applied == 1);
  CHECK(first->apply({event("from-second")}, now).duplicates == 1);
  CHECK(first->sum({"{event_counters}_shared"}, now) == 2);
}

TEST_CASE("a SQLite file from before the event-id log keeps its ids") {
  TempFolder folder;
  const fs::path file = folder.path / "nested" / "counters.sqlite3";
  const std::int64_t now = wall_clock_ms();
  fs::create_directories(file.parent_path());
  sqlite3* old = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &old) == SQLITE_OK);
  const std::string schema = "CREATE TABLE event_ids (id TEXT PRIMARY KEY, expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;"
                             "INSERT INTO event_ids VALUES ('old', " + std::to_string(now + 1000) + ");";
  REQUIRE(sqlite3_exec(old, schema.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(old);

  const auto store = open_store(folder.sqlite_url());
  CHECK(store->apply({counter_writes({incr("{event_counters}_o", Expiry::never)}, "old")}, now).duplicates == 1);
  CHECK(by_key(store->dump(now))["{event_ids}_old"].expires_at_ms == now + 1000);
  CHECK(store->apply({counter_writes({incr("{event_counters}_o", Expiry::never)}, "old")}, now + 1001).applied == 1);
}

TEST_CASE("concurrent apply() calls on SQLite all land exactly (group commit)") {
  TempFolder folder;
  const auto store = open_store(folder.sqlite_url());
  const std::int64_t now = wall_clock_ms();
  constexpr int kThreads = 8, kCalls = 150;
  std::vector<std::thread> threads;
  std::atomic<int> applied = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        const auto result = store->apply({counter_writes({incr("{event_counters}_c"), pfadd("{hll_counters}_c-user", id)}, id)}, now);
        applied += static_cast<int>(result.applied);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(applied == kThreads * kCalls);
  CHECK(store->sum({"{event_counters}_c"}, now) == kThreads * kCalls);
  CHECK(store->count_unique({"{hll_counters}_c-user"}, now) == doctest::Approx(kThreads * kCalls).epsilon(0.02));
  CHECK(by_key(store->dump(now)).size() == 2 + kThreads * kCalls);  // both counters and every id
}

TEST_CASE("apply_async answers every call once, and calls made without waiting all land, ids included") {
  TempFolder folder;
  test::RedisServer server;
  for (const std::string& url : {folder.sqlite_url(), server.url()}) {
    CAPTURE(url);
    auto store = open_store(url);
    const std::int64_t now = wall_clock_ms();
    // Each call has an id given twice (the second call's is a duplicate) and then one of its own,
    // so that calls sharing a commit log new ids after a duplicate.
    constexpr int kCalls = 400;
    const auto events_of_call = [&](int i) {
      const auto event = [](const std::string& id) { return counter_writes({incr("{event_counters}_async")}, id); };
      return std::vector<EventWrites>{event(url + "-" + std::to_string(i % (kCalls / 2))), event(url + "-once-" + std::to_string(i))};
    };
    std::mutex mutex;
    std::condition_variable answered;
    int answers = 0, failures = 0;
    ApplyResult total;
    for (int i = 0; i < kCalls; ++i) {
      store->apply_async(events_of_call(i), now, [&](std::exception_ptr error, ApplyResult result) {
        const std::lock_guard lock(mutex);
        failures += error ? 1 : 0;
        total.applied += result.applied;
        total.duplicates += result.duplicates;
        if (++answers == kCalls) answered.notify_one();
      });
    }
    std::unique_lock lock(mutex);
    answered.wait(lock, [&] { return answers == kCalls; });
    CHECK(failures == 0);
    CHECK(total.applied == kCalls / 2 + kCalls);
    CHECK(total.duplicates == kCalls / 2);
    CHECK(store->sum({"{event_counters}_async"}, now) == kCalls / 2 + kCalls);

    store.reset();
    store = open_store(url);
    std::vector<EventWrites> every_id;
    for (int i = 0; i < kCalls; ++i) std::ranges::move(events_of_call(i), std::back_inserter(every_id));
    CHECK(store->apply(std::move(every_id), now + 1000).duplicates == 2 * kCalls);
  }
}

TEST_CASE("store URLs") {
  const RedisAddress address = RedisAddress::parse("redis://cache.internal:6380/2");
  CHECK(address.host == "cache.internal");
  CHECK(address.port == 6380);
  CHECK(address.database == 2);
  CHECK(RedisAddress::parse("redis://[::1]:7000").host == "::1");
  CHECK(RedisAddress::parse("redis://[::1]:7000").url() == "redis://[::1]:7000/0");
  CHECK_THROWS_AS(RedisAddress::parse("redis://host:port"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(open_store("mysql://db/x"), doctest::Contains("expected sqlite:PATH, redis://HOST:PORT[/DB] or redis-cluster://"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(open_store("mysql://db/x"), doctest::Contains("mysql://db/x"), std::invalid_argument);
  CHECK_THROWS_AS(open_store("sqlite:"), std::invalid_argument);
}
