// Event reads answer only what a metric definition counts: no silent zeros.
#include <doctest/doctest.h>

#include "core/event_read_check.hpp"
#include "definitions_fixture.hpp"

using namespace ie;
using json = nlohmann::json;

namespace {

const Definitions& definitions() {
  static const Definitions definitions = test::definitions_from(
      json::array({
          {{"action", "create_merge_request"}, {"identifiers", {"user", "project"}}, {"additional_properties", {{"label", nullptr}}}},
          {{"action", "quiet"}, {"identifiers", json::array()}},
      }),
      json::array({
          {{"key_path", "mr_users"}, {"time_frame", json::array({"7d", "28d"})}, {"events", {{{"name", "create_merge_request"}, {"unique", "user.id"}}}}},
          {{"key_path", "mr_projects_all"}, {"time_frame", "all"}, {"events", {{{"name", "create_merge_request"}, {"unique", "project.id"}}}}},
          {{"key_path", "mr_npm_users"}, {"time_frame", "7d"}, {"events", {{{"name", "create_merge_request"}, {"unique", "user.id"}, {"filter", {{"label", "npm"}}}}}}},
      }));
  return definitions;
}

const EventDefinition& event(const std::string& action) { return *definitions().find_event(action); }

}  // namespace

TEST_CASE("totals are always answerable; so is a unique count a metric writes in that span") {
  CHECK_FALSE(refuse_event_read(definitions(), event("create_merge_request"), std::nullopt, ReadWindow::seven_days));
  CHECK_FALSE(refuse_event_read(definitions(), event("quiet"), std::nullopt, ReadWindow::all));
  for (const auto window : {ReadWindow::seven_days, ReadWindow::twenty_eight_days, ReadWindow::current_week}) {
    CHECK_FALSE(refuse_event_read(definitions(), event("create_merge_request"), "user.id", window));
  }
  CHECK_FALSE(refuse_event_read(definitions(), event("create_merge_request"), "project.id", ReadWindow::all));
}

TEST_CASE("a unique that is neither identifier nor property is refused, naming the allowed ones") {
  CHECK(allowed_uniques(definitions(), event("create_merge_request")) == std::vector<std::string>{"label", "project.id", "user.id"});
  const auto refusal = refuse_event_read(definitions(), event("create_merge_request"), "bogus", ReadWindow::seven_days);
  REQUIRE(refusal);
  CHECK(refusal->reason == ReadRefusal::Reason::unknown_unique);
  CHECK(refusal->message == "unique=bogus is not an identifier or property of 'create_merge_request': use one of label, project.id, user.id");
  const auto bare = refuse_event_read(definitions(), event("quiet"), "user.id", ReadWindow::seven_days);
  REQUIRE(bare);
  CHECK(bare->message == "unique=user.id is not an identifier or property of 'quiet': it has no identifiers or properties");
}

TEST_CASE("a unique count no metric writes is not counted: the span, the filter and the metrics decide") {
  const auto all_users = refuse_event_read(definitions(), event("create_merge_request"), "user.id", ReadWindow::all);
  REQUIRE(all_users);
  CHECK(all_users->reason == ReadRefusal::Reason::not_counted);
  CHECK(all_users->message == "no metric counts unique user.id of 'create_merge_request' (all time): its metrics are mr_users_weekly, mr_users_monthly, mr_projects_all, mr_npm_users");
  // The weekly project count and the label count are nowhere; the filtered metric writes a filtered key only.
  CHECK(refuse_event_read(definitions(), event("create_merge_request"), "project.id", ReadWindow::seven_days));
  CHECK(refuse_event_read(definitions(), event("create_merge_request"), "label", ReadWindow::twenty_eight_days));
}
