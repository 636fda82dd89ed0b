// The C++ backend API in one page: what the README shows, compiled and run by the tests so that
// it stays true. Usage: backend_example DEFINITIONS_DIR STORE_URL
#include <iostream>

#include "native/definitions_loader.hpp"
#include "native/metric_reader.hpp"
#include "native/tracker.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: backend_example DEFINITIONS_DIR STORE_URL\n";
    return 2;
  }
  auto store = ie::open_store(argv[2]);              // sqlite:PATH or redis://HOST:PORT
  ie::Tracker tracker(ie::load_definitions(argv[1]), *store);  // production mode: never throws

  // One call updates every counter the event's metrics need, in one durable commit.
  tracker.track_event("i_code_review_user_apply_suggestion", {.user = 1, .project = 7, .namespace_id = 3},
                      {{"label", std::string("diff")}});
  tracker.track_event("i_code_review_user_apply_suggestion", {.user = 2, .project = 7});

  const std::int64_t now = tracker.now_ms();
  ie::MetricReader reader(tracker.definitions(), *store);
  const double users = reader.event_value("i_code_review_user_apply_suggestion", "user.id", ie::ReadWindow::current_week,
                                          ie::utc_date(now), now);
  std::cout << "unique users this week: " << users << '\n';
  return 0;
}
