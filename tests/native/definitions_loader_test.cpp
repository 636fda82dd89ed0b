#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "native/definitions_loader.hpp"

using namespace ie;
namespace fs = std::filesystem;

namespace {

// A throwaway definitions folder with one good event, to which a test adds broken files.
struct DefinitionsFolder {
  fs::path root = fs::temp_directory_path() / ("ie-definitions-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));

  DefinitionsFolder() {
    fs::create_directories(root / "events");
    fs::create_directories(root / "metrics");
    write("events/good.yml", "action: good\nidentifiers: [user]\n");
  }
  ~DefinitionsFolder() { fs::remove_all(root); }

  void write(const std::string& relative, const std::string& text) {
    std::ofstream(root / relative) << text;
  }

  static int& counter() {
    static int value = 0;
    return value;
  }
};

void check_single_error(const LoadedDefinitions& loaded, const fs::path& file, const std::string& field, const std::string& words) {
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].file == file.string());
  CHECK(loaded.errors[0].field == field);
  CHECK(loaded.errors[0].message.find(words) != std::string::npos);
}

}  // namespace

TEST_CASE("GitLab's own corpus loads without error") {
  const LoadedDefinitions loaded = read_definitions("../shared/gitlab-definitions/config");
  for (const auto& error : loaded.errors) FAIL(error.text());
  CHECK(loaded.event_files == 42);
  CHECK(loaded.metric_files == 28);
  CHECK(loaded.definitions.events.size() == 42);
  CHECK(loaded.definitions.metrics.size() == 52);  // list time_frames expanded
  const auto* build = loaded.definitions.find_event("create_ci_build");
  REQUIRE(build);
  CHECK(build->identifiers.empty());
  CHECK(build->declares_property("property"));
  CHECK(build->other_fields.at("milestone") == "\"16.9\"");
  const auto* label_metric = loaded.definitions.find_metric("redis_hll_counters.count_distinct_label_from_render_blob_embed_in_markdown_weekly");
  REQUIRE(label_metric);
  CHECK(label_metric->events.at(0).unique == "label");
}

TEST_CASE("the example definitions in config/ load") {
  const LoadedDefinitions loaded = read_definitions("config");
  for (const auto& error : loaded.errors) FAIL(error.text());
  CHECK(loaded.definitions.find_event("i_code_review_user_apply_suggestion"));
  CHECK(loaded.definitions.find_event("i_analytics_dev_ops_adoption"));
}

TEST_CASE("YAML scalars keep their types: quoted stays text") {
  const auto document = yaml_to_json("a: '16.9'\nb: 16.9\nc: 3\nd: true\ne: ~\nf: \"3\"\ng: rubygems\nh:\n");
  CHECK(document["a"] == "16.9");
  CHECK(document["b"] == 16.9);
  CHECK(document["c"] == 3);
  CHECK(document["d"] == true);
  CHECK(document["e"].is_null());
  CHECK(document["f"] == "3");
  CHECK(document["g"] == "rubygems");
  CHECK(document["h"].is_null());
}

// An alias inside its own anchor is a cycle: converting it recursed until the stack overflowed, so
// definitions check and serve died (SIGSEGV) on such a file (found by the YAML fuzzer).
TEST_CASE("what YAML aliases build, a cycle or an explosion, is an error naming the file") {
  CHECK_THROWS_WITH(yaml_to_json("a: &x\n  b: *x\n"), doctest::Contains("more than 64 levels deep"));
  CHECK(yaml_to_json("a: &x [1, 2]\nb: *x\n")["b"] == nlohmann::json({1, 2}));  // an alias is still its anchor's value
  std::string laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string before = "*a" + std::to_string(i - 1);
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + before;
    for (int j = 1; j < 10; ++j) laughs += ", " + before;
    laughs += "]\n";
  }
  CHECK_THROWS_WITH(yaml_to_json(laughs), doctest::Contains("more than 100000 values"));
  DefinitionsFolder folder;
  folder.write("events/cycle.yml", "action: a\nextra: &x\n  b: *x\n");
  check_single_error(read_definitions(folder.root), folder.root / "events/cycle.yml", "(file)", "more than 64 levels deep");
}

TEST_CASE("broken files are errors naming the file and the field") {
  SUBCASE("not YAML at all") {
    DefinitionsFolder folder;
    folder.write("events/broken.yml", "action: [unclosed\n");
    check_single_error(read_definitions(folder.root), folder.root / "events/broken.yml", "(file)", "invalid YAML at line");
  }
  SUBCASE("an event without its action") {
    DefinitionsFolder folder;
    folder.write("events/nameless.yml", "description: no action here\n");
    check_single_error(read_definitions(folder.root), folder.root / "events/nameless.yml", "action", "is required");
  }
  SUBCASE("a metric with a bad time frame") {
    DefinitionsFolder folder;
    folder.write("metrics/bad.yml", "key_path: a.b\ntime_frame: [7d, 1y]\ndata_source: internal_events\nevents:\n  - name: good\n");
    check_single_error(read_definitions(folder.root), folder.root / "metrics/bad.yml", "time_frame[1]", "7d, 28d or all");
  }
  SUBCASE("a metric naming an undefined event") {
    DefinitionsFolder folder;
    folder.write("metrics/orphan.yml", "key_path: a.b\ntime_frame: 7d\ndata_source: internal_events\nevents:\n  - name: missing\n");
    check_single_error(read_definitions(folder.root), folder.root / "metrics/orphan.yml", "events[0].name", "not defined");
  }
  SUBCASE("a folder without events/ and metrics/") {
    const LoadedDefinitions loaded = read_definitions("no/such/folder");
    CHECK(loaded.errors.size() == 2);
    CHECK_THROWS_AS(load_definitions("no/such/folder"), DefinitionsInvalid);
  }
  SUBCASE("all errors are reported, not just the first") {
    DefinitionsFolder folder;
    folder.write("events/a.yml", "action: Bad Name\n");
    folder.write("events/b.yml", "action: ok\nidentifiers: [group]\n");
    const LoadedDefinitions loaded = read_definitions(folder.root);
    CHECK(loaded.errors.size() == 2);
    CHECK(loaded.definitions.events.size() == 1);  // the good one is still there
  }
}
