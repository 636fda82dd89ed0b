// The cluster store against a real Redis Cluster (3 masters on loopback) and against the embedded
// store: the same events give the same service ping, across the ISO year edge and for metrics over
// several events; keys spread over the masters; ids count once whichever receiver sees them; the
// routing follows MOVED after a slot migrates, and ASK while it migrates.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/cluster_keys.hpp"
#include "native/definitions_loader.hpp"
#include "native/metric_reader.hpp"
#include "native/store/open_store.hpp"
#include "native/store/redis_cluster_address.hpp"
#include "native/tracker.hpp"
#include "tests/support/redis_cluster.hpp"

using namespace ie;
namespace fs = std::filesystem;
using test::RedisClient;
using test::RedisCluster;

namespace {

RedisCluster& cluster() {
  static RedisCluster shared;
  return shared;
}

// Every test starts from an empty cluster.
void flush_cluster() {
  for (const auto& master : cluster().masters()) RedisClient(master.endpoint.host, master.endpoint.port).command({"FLUSHALL"});
}

std::int64_t at_noon(const Date& day) { return days_since_epoch(day) * 86'400'000 + 43'200'000; }

// config/ plus metrics over two events, as the "metrics that union several events".
struct Definitions2 {
  fs::path folder = fs::temp_directory_path() / ("ie-cluster-defs-" + std::to_string(::getpid()));
  Definitions2() {
    fs::remove_all(folder);
    fs::copy("config", folder, fs::copy_options::recursive);
    write("counts_7d/count_distinct_user_id_from_review_and_pull_weekly.yml", "7d", "redis_hll_counters.union.review_and_pull_weekly",
          "unique: user.id");
    write("counts_28d/count_distinct_user_id_from_review_and_pull_monthly.yml", "28d", "redis_hll_counters.union.review_and_pull_monthly",
          "unique: user.id");
    write("counts_28d/count_total_review_and_pull_monthly.yml", "28d", "counts.union.review_and_pull_monthly", "");
  }
  ~Definitions2() { fs::remove_all(folder); }
  void write(const std::string& file, const std::string& frame, const std::string& key_path, const std::string& unique) const {
    std::ofstream out(folder / "metrics" / file);
    out << "---\nkey_path: " << key_path << "\ndescription: two events\nproduct_group: code_review\nvalue_type: number\n"
        << "status: active\ntime_frame: " << frame << "\ndata_source: internal_events\nevents:\n";
    for (const char* event : {"i_code_review_user_apply_suggestion", "pull_package"}) {
      out << "  - name: " << event << "\n" << (unique.empty() ? "" : "    " + unique + "\n");
    }
  }
};

// A tracker on one store whose clock the test sets.
struct Counting {
  Counting(const Definitions& definitions, CounterStore& store) : store(store) {
    TrackerOptions options;
    options.now_ms = [this] { return now; };
    options.log = [](const std::string&) {};
    tracker.emplace(definitions, store, options);
  }
  CounterStore& store;
  std::int64_t now = 0;
  std::optional<Tracker> tracker;
};

// 2020-12-28 … 2021-01-12: 2020-W53 runs to Sunday 2021-01-03, 2021-W01 starts the day after.
void track_sequence(Counting& counting) {
  const std::int64_t first = days_since_epoch({2020, 12, 28});
  for (std::int64_t n = 0; n < 16; ++n) {
    counting.now = at_noon(date_from_days(first + n));
    for (std::int64_t i = 0; i < 5 + n % 3; ++i) {
      const std::int64_t user = (n * 3 + i * 7) % 19 + 1;
      counting.tracker->track_event("i_code_review_user_apply_suggestion", {.user = user, .project = 7}, {{"label", std::string("diff")}});
      counting.tracker->track_event("pull_package", {.user = user + 5, .project = i + 1}, {{"label", std::string(i % 2 ? "npm" : "rubygems")}});
      counting.tracker->track_event("i_analytics_dev_ops_adoption", {.user = user}, {{"value", 0.25 * static_cast<double>(i + n)}});
    }
  }
}

}  // namespace

TEST_CASE("the cluster and the embedded store give identical service pings, across 2020-W53/2021-W01 and over several events") {
  flush_cluster();
  const Definitions2 folder;
  const Definitions definitions = load_definitions(folder.folder.string());
  const fs::path file = fs::temp_directory_path() / ("ie-cluster-vs-sqlite-" + std::to_string(::getpid()) + ".sqlite3");
  fs::remove(file);
  const auto sqlite = open_store("sqlite:" + file.string());
  const auto on_cluster = open_store(cluster().url());
  Counting embedded(definitions, *sqlite), clustered(definitions, *on_cluster);
  track_sequence(embedded);
  track_sequence(clustered);

  for (const Date today : {Date{2020, 12, 31}, Date{2021, 1, 3}, Date{2021, 1, 4}, Date{2021, 1, 11}, Date{2021, 1, 13}}) {
    CAPTURE(format_date(today));
    const auto now = at_noon(today);
    const auto expected = MetricReader(definitions, *sqlite).service_ping(today, now);
    const auto actual = MetricReader(definitions, *on_cluster).service_ping(today, now);
    CHECK(actual.dump() == expected.dump());
  }
  const auto ping = MetricReader(definitions, *on_cluster).service_ping({2021, 1, 4}, at_noon({2021, 1, 4}));
  CHECK(ping.at("redis_hll_counters").at("union").at("review_and_pull_monthly").get<double>() > 0);

  // Byte for byte: the cluster's keys named back are the embedded store's, with the same values.
  std::map<std::string, std::string> in_sqlite, in_cluster;
  for (const auto& key : sqlite->dump(at_noon({2021, 1, 12}))) in_sqlite[key.key] = key.value;
  for (const auto& key : on_cluster->dump(at_noon({2021, 1, 12}))) in_cluster[key.key] = key.value;
  CHECK(in_cluster == in_sqlite);
  fs::remove(file);
}

TEST_CASE("keys of different events land on more than one master, each event's keys in one slot") {
  flush_cluster();
  const auto store = open_store(cluster().url());
  Counting counting(load_definitions("config"), *store);
  counting.now = at_noon({2025, 7, 1});
  for (const char* event : {"i_code_review_user_apply_suggestion", "pull_package", "i_analytics_dev_ops_adoption"}) {
    counting.tracker->track_event(event, {.user = 1, .project = 2});
  }
  std::set<std::string> masters_with_keys;
  for (const auto& master : cluster().masters()) {
    RedisClient redis(master.endpoint.host, master.endpoint.port);
    const auto keys = redis.command({"KEYS", "*_{*"});
    std::set<long long> slots;
    for (const auto& key : keys.elements) slots.insert(key_slot(key.text));
    if (!keys.elements.empty()) masters_with_keys.insert(master.endpoint.address());
    CHECK(slots.size() <= 3);  // an event's keys share its slot
  }
  CHECK(masters_with_keys.size() >= 2);
}

TEST_CASE("two cluster stores (two receivers) count an event sent to both once") {
  flush_cluster();
  const Definitions definitions = load_definitions("config");
  const auto first = open_store(cluster().url());
  const auto second = open_store(cluster().url());
  Counting a(definitions, *first), b(definitions, *second);
  a.now = b.now = at_noon({2025, 7, 1});
  for (int i = 0; i < 50; ++i) {
    const std::string id = "00000000-0000-4000-8000-" + std::to_string(100000000000LL + i);
    for (Counting* receiver : {&a, &b}) {
      std::vector<TrackRequest> requests;
      requests.push_back({{"i_code_review_user_apply_suggestion", Fields{{"user", std::int64_t{i}}}, Fields{}}, id});
      requests.push_back({{"pull_package", Fields{{"user", std::int64_t{i}}}, Fields{}}, id + "-pull"});
      CHECK(receiver->tracker->track_events(std::move(requests)).accepted == 2);
    }
  }
  // Weekly metrics report the last complete week.
  const auto ping = MetricReader(definitions, *second).service_ping({2025, 7, 8}, at_noon({2025, 7, 8}));
  CHECK(ping.at("counts").at("count_total_i_code_review_user_apply_suggestion").get<double>() == 50);
  CHECK(ping.at("redis_hll_counters").at("code_review").at("i_code_review_user_apply_suggestion_weekly").get<double>() == 50);
}

TEST_CASE("a slot that moved to another master is followed (MOVED), and a migrating one (ASK)") {
  flush_cluster();
  const Definitions definitions = load_definitions("config");
  const auto store = open_store(cluster().url());
  Counting counting(definitions, *store);
  counting.now = at_noon({2025, 7, 1});
  REQUIRE(counting.tracker->track_event("pull_package", {.user = 1, .project = 1}));  // the map is read

  // Move pull_package's slot, keys and all, to another master, as redis-cli --cluster reshard does.
  const std::string tag_key = "{pull_package}";
  const auto slot = std::to_string(key_slot(tag_key));
  const auto masters = cluster().masters();
  const auto source = cluster().node_for_key(tag_key);
  const auto target = std::find_if(masters.begin(), masters.end(), [&](const auto& m) { return !(m.endpoint == source); })->endpoint;
  RedisClient from(source.host, source.port), to(target.host, target.port);
  const std::string from_id = from.command({"CLUSTER", "MYID"}).text, to_id = to.command({"CLUSTER", "MYID"}).text;
  REQUIRE(to.command({"CLUSTER", "SETSLOT", slot, "IMPORTING", from_id}).text == "OK");
  REQUIRE(from.command({"CLUSTER", "SETSLOT", slot, "MIGRATING", to_id}).text == "OK");

  // Migrating, its keys still on the source: the source serves them; a new key goes by ASK.
  REQUIRE(counting.tracker->track_event("pull_package", {.user = 2, .project = 2}));
  const auto keys = from.command({"CLUSTER", "GETKEYSINSLOT", slot, "1000"});
  for (const auto& key : keys.elements) {
    REQUIRE(from.command({"MIGRATE", target.host, std::to_string(target.port), key.text, "0", "5000"}).text == "OK");
  }
  // Every key on the target, the slot still migrating: each call is answered ASK.
  REQUIRE(counting.tracker->track_event("pull_package", {.user = 3, .project = 3}));
  for (const auto& master : masters) {
    RedisClient(master.endpoint.host, master.endpoint.port).command({"CLUSTER", "SETSLOT", slot, "NODE", to_id});
  }
  // Migrated: the source answers MOVED, and the map is read again.
  REQUIRE(counting.tracker->track_event("pull_package", {.user = 4, .project = 4}));
  const auto ping = MetricReader(definitions, *store).service_ping({2025, 7, 8}, at_noon({2025, 7, 8}));  // the week after
  CHECK(ping.at("redis_hll_counters").at("package_registry").at("count_distinct_project_id_from_pull_package_weekly").get<double>() == 4);
  CHECK(cluster().node_for_key(tag_key) == target);
}

TEST_CASE("redis-cluster:// URLs") {
  const auto address = RedisClusterAddress::parse("redis-cluster://127.0.0.1:7000,[::1]:7001,localhost:7002?wait=1");
  REQUIRE(address.seeds.size() == 3);
  CHECK(address.seeds[1].host == "::1");
  CHECK(address.seeds[2].port == 7002);
  CHECK(address.wait_replicas == 1);
  CHECK(address.url() == "redis-cluster://127.0.0.1:7000,[::1]:7001,localhost:7002?wait=1");
  for (const char* bad : {"redis-cluster://", "redis-cluster://h", "redis-cluster://h:1,", "redis-cluster://h:1?wait=x",
                          "redis-cluster://h:1?wait=99", "redis-cluster://h:1?timeout=3", "redis-cluster://h:1/2", "redis-cluster://h:0"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(RedisClusterAddress::parse(bad), doctest::Contains("expected redis-cluster://HOST:PORT"), std::invalid_argument);
  }
}
