// The C++ API's Snowplow half: the copy is queued in the commit of the counters, pseudonymised
// with the store's secret, and not at all with send_snowplow_event = false or without forwarding.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/snowplow/payload.hpp"
#include "native/definitions_loader.hpp"
#include "native/snowplow/pseudonymizer.hpp"
#include "native/tracker.hpp"

using namespace ie;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Forwarding {
  fs::path folder = fs::temp_directory_path() / ("ie-snowplow-tracker-" + std::to_string(::getpid()) + "-" + std::to_string(++made));
  static inline int made = 0;
  std::unique_ptr<CounterStore> store = open_store("sqlite:" + (folder / "counters.sqlite3").string());
  ~Forwarding() { fs::remove_all(folder); }

  Tracker tracker(bool forwarding) {
    TrackerOptions options;
    if (forwarding) options.snowplow = snowplow::Installation{.app_id = "backend-test"};
    options.log = [](const std::string&) {};
    return Tracker(load_definitions("config"), *store, options);
  }

  std::vector<OutboxEntry> queued() { return store->outbox().claim("test", 1 << 20, 0); }
};

json standard_context(const json& event) {
  return json::parse(*snowplow::decode_base64(event["cx"].get<std::string>()))["data"][0]["data"];
}

}  // namespace

TEST_CASE("HMAC-SHA256 pseudonyms: 44 base64 characters, as openssl dgst -hmac gives them") {
  const snowplow::Pseudonymizer pseudonymizer("secret", "inst");
  CHECK(pseudonymizer.user_id(42) == "k8Eh56pDeh4B48USxvDOPIIag5Al3KRAj4VhbeSq7nA=");         // openssl dgst -sha256 -hmac secret of "42"
  CHECK(pseudonymizer.global_user_id(42) == "xl8mzQ+MRjfe6hGy3hEyYHdy+7UrFrC21X9JEhZAGVM=");  // … of "inst:42"
}

TEST_CASE("track_event queues its Snowplow copy with the counters, pseudonymised with the store's secret") {
  Forwarding forwarding;
  Tracker tracker = forwarding.tracker(true);
  CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {.user = 42, .project = 7}, {{"label", std::string("diff")}}));
  const auto entries = forwarding.queued();
  REQUIRE(entries.size() == 1);
  const json event = json::parse(entries[0].payload);
  CHECK(event["p"] == "srv");
  CHECK(event["aid"] == "backend-test");
  CHECK(event["se_la"] == "diff");
  CHECK(event["eid"].get<std::string>().size() == 36);
  const json standard = standard_context(event);
  const auto pseudonymizer = snowplow::Pseudonymizer::of_store(*forwarding.store);  // the store's secret, made by the tracker
  CHECK(standard["user_id"] == pseudonymizer.user_id(42));
  CHECK(standard["global_user_id"] == pseudonymizer.global_user_id(42));
  CHECK(standard["instance_id"] == pseudonymizer.instance_id());
  CHECK(standard["source"] == "internal-events-cpp");
  CHECK(entries[0].payload.find("\"user_id\":42") == std::string::npos);
}

TEST_CASE("send_snowplow_event = false, or no forwarding configured: the counters only") {
  Forwarding forwarding;
  {
    Tracker tracker = forwarding.tracker(true);
    CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {.user = 1}, {}, false));
  }
  {
    Tracker tracker = forwarding.tracker(false);
    CHECK(tracker.track_event("i_code_review_user_apply_suggestion", {.user = 2}));
  }
  CHECK(forwarding.queued().empty());
  CHECK(forwarding.store->sum({"{event_counters}_i_code_review_user_apply_suggestion"}, 0) == 2);
}

TEST_CASE("a retried event (same eid) queues its copy once") {
  Forwarding forwarding;
  Tracker tracker = forwarding.tracker(true);
  TrackRequest request{{"i_code_review_user_apply_suggestion", {{"user", std::int64_t{3}}}, {}}, "00000000-0000-4000-8000-000000000003"};
  tracker.track_events({request});
  tracker.track_events({request});
  const auto entries = forwarding.queued();
  REQUIRE(entries.size() == 1);
  CHECK(json::parse(entries[0].payload)["eid"] == "00000000-0000-4000-8000-000000000003");
}
