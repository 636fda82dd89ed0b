#include <doctest/doctest.h>

#include <filesystem>

#include "native/definitions_loader.hpp"
#include "native/metric_reader.hpp"
#include "native/testing/recording_tracker.hpp"
#include "native/tracker.hpp"

using namespace ie;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kWednesday2021W01 = 1609934400000;  // 2021-01-06 12:00 UTC

struct TrackerFixture {
  fs::path folder = fs::temp_directory_path() / ("ie-tracker-" + std::to_string(::getpid()) + "-" + std::to_string(++counter()));
  std::unique_ptr<CounterStore> store = open_store("sqlite:" + (folder / "counters.sqlite3").string());
  std::vector<std::string> logged;
  std::int64_t now = kWednesday2021W01;

  ~TrackerFixture() { fs::remove_all(folder); }

  Tracker tracker(ValidationMode mode) {
    TrackerOptions options;
    options.mode = mode;
    options.now_ms = [this] { return now; };
    options.log = [this](const std::string& line) { logged.push_back(line); };
    options.namespace_of_project = [](std::int64_t project) { return std::optional<std::int64_t>(project * 100); };
    return Tracker(load_definitions("config"), *store, options);
  }

  double current_week(const std::string& event, std::optional<std::string> unique = std::nullopt) {
    const Definitions definitions = load_definitions("config");
    return MetricReader(definitions, *store).event_value(event, unique, ReadWindow::current_week, utc_date(now), now);
  }

  static int& counter() {
    static int value = 0;
    return value;
  }
};

}  // namespace

TEST_CASE("track_event counts every counter of the event in one call") {
  TrackerFixture fixture;
  Tracker tracker = fixture.tracker(ValidationMode::strict);
  CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {.user = 1, .project = 7}, {{"label", std::string("diff")}}));
  CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {.user = 2}));
  CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {.user = 1}));
  CHECK(fixture.current_week("i_code_review_user_apply_suggestion") == 3);
  CHECK(fixture.current_week("i_code_review_user_apply_suggestion", "user.id") == 2);
}

TEST_CASE("the namespace defaults to the project's") {
  TrackerFixture fixture;
  Tracker tracker = fixture.tracker(ValidationMode::strict);
  CHECK(tracker.track_event("pull_package", {.user = 1, .project = 7}));                     // namespace 700
  CHECK(tracker.track_event("pull_package", {.user = 1, .project = 8, .namespace_id = 700}));  // given: kept
  CHECK(tracker.track_event("pull_package", {.user = 1, .project = 9, .namespace_id = 5}));
  CHECK(fixture.current_week("pull_package", "namespace.id") == 2);
}

TEST_CASE("strict mode throws typed errors, production mode logs and carries on") {
  TrackerFixture fixture;
  Tracker strict = fixture.tracker(ValidationMode::strict);
  CHECK_THROWS_AS(strict.track_event("no_such_event", {.user = 1}), UnknownEventError);
  CHECK_THROWS_AS(strict.track_event("pull_package", {}, {{"label", std::int64_t{3}}}), InvalidPropertyTypeError);
  CHECK_THROWS_AS(strict.track_event("pull_package", {}, {{"colour", std::string("red")}}), UndeclaredPropertyError);

  Tracker production = fixture.tracker(ValidationMode::production);
  CHECK_FALSE(production.track_event("no_such_event", {.user = 1}));
  CHECK_FALSE(production.track_event("pull_package", {}, {{"label", std::int64_t{3}}}));
  CHECK(production.track_event("pull_package", {.user = 1}));
  CHECK(production.rejected_total() == 2);
  CHECK(production.accepted_total() == 1);
  REQUIRE(fixture.logged.size() >= 2);
  CHECK(fixture.logged[0].find("no_such_event") != std::string::npos);
  CHECK(fixture.current_week("pull_package") == 1);
}

TEST_CASE("a batch rejects bad events one by one and counts the good ones") {
  TrackerFixture fixture;
  Tracker tracker = fixture.tracker(ValidationMode::production);
  const auto outcome = tracker.track_events({
      {{"pull_package", {{"user", std::int64_t{1}}}, {}}, "a"},
      {{"pull_package", {}, {{"value", std::string("big")}}}, "b"},
      {{"pull_package", {{"user", std::int64_t{2}}}, {}}, "c"},
      {{"pull_package", {{"user", std::int64_t{2}}}, {}}, "c"},  // a retry of the same event
  });
  CHECK(outcome.accepted == 3);
  REQUIRE(outcome.rejected.size() == 1);
  CHECK(outcome.rejected[0].first == 1);
  CHECK(outcome.rejected[0].second.field == "value");
  CHECK(fixture.current_week("pull_package") == 2);  // "c" counted once
}

TEST_CASE("unique rules without their identifier are skipped and logged, even by a log that tracks events itself") {
  TrackerFixture fixture;
  TrackerOptions options;
  options.now_ms = [&] { return fixture.now; };
  std::unique_ptr<Tracker> tracker;
  bool nested = false;
  options.log = [&](const std::string& line) {
    fixture.logged.push_back(line);
    // A log that reports through the tracker: the nested call plans on the same thread, between
    // the outer call's two lines, and skips a rule of its own.
    if (!std::exchange(nested, true)) CHECK(tracker->track_event("i_code_review_user_apply_suggestion", {}));
  };
  tracker = std::make_unique<Tracker>(load_definitions("config"), *fixture.store, options);
  CHECK(tracker->track_event("pull_package", {}));
  CHECK(fixture.logged == std::vector<std::string>{
                              "event 'pull_package': skipped {hll_counters}_pull_package-namespace-2021-01: the event has no namespace.id",
                              "event 'i_code_review_user_apply_suggestion': skipped {hll_counters}_i_code_review_user_apply_suggestion-user-2021-01: "
                              "the event has no user.id",
                              "event 'pull_package': skipped {hll_counters}_pull_package-project-2021-01: the event has no project.id",
                              "event 'pull_package': skipped {hll_counters}_pull_package-user-2021-01: the event has no user.id",
                          });
  CHECK(fixture.current_week("i_code_review_user_apply_suggestion") == 1);
}

// Over the in-memory recorder (native/testing/recording_tracker.hpp): only the log and the
// problem counts are in question, and that every event was still tracked.
TEST_CASE("a problem every event shares is logged once a minute and counted each time") {
  ie::test_support::TrackingRecorder recorder;
  std::vector<std::string> logged;
  std::int64_t now = kWednesday2021W01;
  TrackerOptions options = recorder.tracker_options(TrackerOptions{});  // production mode, the default
  options.now_ms = [&] { return now; };
  options.log = [&](const std::string& line) { logged.push_back(line); };
  Tracker tracker(load_definitions("config"), recorder.store(), options);
  for (int i = 0; i < 100; ++i) CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {}));
  CHECK(logged.size() == 1);
  now += 60'000;
  CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {}));
  REQUIRE(logged.size() == 2);
  CHECK(logged[1].ends_with("the event has no user.id (and 99 more in the last 60 s)"));
  CHECK(recorder.count("i_code_review_user_apply_suggestion") == 101);
  const std::vector<ProblemCount> totals = tracker.problems().totals();
  REQUIRE(totals.size() == 1);
  CHECK(totals[0].event == "i_code_review_user_apply_suggestion");
  CHECK(totals[0].reason == "missing user.id");
  CHECK(totals[0].count == 101);
  CHECK_FALSE(tracker.track_event("no_such_event", {}));
  CHECK(tracker.problems().totals()[1].reason == "unknown event");
}
