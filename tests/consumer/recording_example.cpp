// A user's test of their own tracking, as a project outside this tree builds it: the installed
// native/testing/recording_tracker.hpp records what a Tracker tracked, with no store to open.
// Usage: recording_example DEFINITIONS_DIR; prints what was tracked, exits 1 if the check fails.
#include <iostream>

#include "native/definitions_loader.hpp"
#include "native/testing/recording_tracker.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: recording_example DEFINITIONS_DIR\n";
    return 2;
  }
  ie::test_support::TrackingRecorder recorder;
  ie::Tracker tracker(ie::load_definitions(argv[1]), recorder.store(), recorder.tracker_options());
  tracker.track_event("pull_package", {.user = 1, .project = 7}, {{"label", std::string("npm")}});
  std::cout << recorder.describe() << '\n';
  return recorder.tracked("pull_package", {.label = "npm", .user = 1}) && recorder.count("pull_package") == 1 ? 0 : 1;
}
