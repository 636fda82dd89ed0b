// native/testing/recording_tracker.hpp as a user's test uses it: a small program that takes an
// ie::Tracker, run over the recorder's in-memory store, and checks of what it tracked and of the
// counts it made (read back with MetricReader, as from a real store).
#include <doctest/doctest.h>

#include "native/definitions_loader.hpp"
#include "native/metric_reader.hpp"
#include "native/testing/recording_tracker.hpp"

using namespace ie;
using ie::test_support::TrackingRecorder;

namespace {

constexpr std::int64_t kWednesday2021W01 = 1609934400000;  // 2021-01-06 12:00 UTC

// The program under test: what a package registry's backend would do on two requests.
void serve_package_requests(Tracker& tracker) {
  tracker.track_event("pull_package", {.user = 1, .project = 7}, {{"label", std::string("npm")}, {"value", 2.5}});
  tracker.track_event("i_code_review_user_apply_suggestion", {.user = 2});
}

TrackerOptions at_a_fixed_time(TrackingRecorder& recorder) {
  TrackerOptions options = recorder.tracker_options();
  options.now_ms = [] { return kWednesday2021W01; };
  options.namespace_of_project = [](std::int64_t project) { return std::optional<std::int64_t>(project * 100); };
  return options;
}

}  // namespace

TEST_CASE("the recorder sees what a program tracked, with its identifiers and properties") {
  TrackingRecorder recorder;
  Tracker tracker(load_definitions("config"), recorder.store(), at_a_fixed_time(recorder));
  CHECK(recorder.describe() == "no events tracked");

  serve_package_requests(tracker);

  CHECK(recorder.count("pull_package") == 1);
  CHECK(recorder.count("i_code_review_user_apply_suggestion", {.user = 2}) == 1);
  CHECK(recorder.tracked("pull_package", {.label = "npm", .value = 2.5, .user = 1, .project = 7, .namespace_id = 700}));
  CHECK_FALSE(recorder.tracked("pull_package", {.label = "maven"}));
  CHECK_FALSE(recorder.tracked("pull_package", {.user = 2}));
  CHECK_FALSE(recorder.tracked("no_such_event"));
  CHECK(recorder.describe() ==
        "2 events tracked:\n"
        "  pull_package user=1 project=7 namespace=700 label=\"npm\" value=2.5\n"
        "  i_code_review_user_apply_suggestion user=2");

  const std::vector<test_support::TrackedEvent> events = recorder.events();
  REQUIRE(events.size() == 2);
  CHECK(std::find(events[0].keys.begin(), events[0].keys.end(), "{hll_counters}_pull_package-project-2021-01") != events[0].keys.end());

  recorder.clear();
  CHECK(recorder.describe() == "no events tracked");
}

TEST_CASE("the recorder's store counts as a real one: metrics read back, event ids apply once") {
  TrackingRecorder recorder;
  Tracker tracker(load_definitions("config"), recorder.store(), at_a_fixed_time(recorder));
  serve_package_requests(tracker);
  tracker.track_event("pull_package", {.user = 1, .project = 8});
  tracker.track_event("pull_package", {.user = 3, .project = 7});

  const Definitions definitions = load_definitions("config");
  MetricReader reader(definitions, recorder.store());
  const auto this_week = [&](const std::string& unique) {
    return reader.event_value("pull_package", unique.empty() ? std::nullopt : std::optional(unique), ReadWindow::current_week,
                              utc_date(kWednesday2021W01), kWednesday2021W01);
  };
  CHECK(this_week("") == 3);
  CHECK(this_week("project.id") == 2);

  const auto outcome = tracker.track_events({{{"pull_package", {{"user", std::int64_t{9}}}, {}}, "same-id"},
                                             {{"pull_package", {{"user", std::int64_t{9}}}, {}}, "same-id"}});
  CHECK(outcome.accepted == 2);
  CHECK(this_week("") == 4);  // the resent event counted once

  // A week's keys expire after six weeks; all-time totals stay.
  const std::int64_t seven_weeks_later = kWednesday2021W01 + 7LL * 7 * 24 * 3600 * 1000;
  CHECK(recorder.store().sum({"{event_counters}_pull_package-2021-01"}, kWednesday2021W01) == 4);
  CHECK(recorder.store().sum({"{event_counters}_pull_package-2021-01"}, seven_weeks_later) == 0);
  const std::vector<StoredKey> dumped = recorder.store().dump(kWednesday2021W01);
  test_support::MemoryStore copy;
  CHECK(copy.restore(dumped, kWednesday2021W01) == dumped.size());
  CHECK(copy.count_unique({"{hll_counters}_pull_package-project-2021-01"}, kWednesday2021W01) == 2);
}

TEST_CASE("strict by default: an unknown event or a wrong type throws in the test and is not recorded") {
  TrackingRecorder recorder;
  Tracker tracker(load_definitions("config"), recorder.store(), recorder.tracker_options());
  CHECK_THROWS_AS(tracker.track_event("no_such_event", {.user = 1}), UnknownEventError);
  CHECK_THROWS_AS(tracker.track_event("pull_package", {}, {{"label", std::int64_t{3}}}), InvalidPropertyTypeError);
  CHECK(recorder.describe() == "no events tracked");
}
