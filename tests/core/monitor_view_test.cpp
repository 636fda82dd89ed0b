// The monitor's state and how it is drawn: messages of GET /-/events become event rows, readings
// of GET /-/monitor/metrics metric rows with their start values, and both become a screen that
// fits the terminal, changed values highlighted, or plain lines without escape codes.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/live_event.hpp"
#include "core/monitor_view.hpp"
#include "core/text_table.hpp"

using namespace ie;

namespace {

// The data of a message exactly as the receiver writes it.
std::string tracked_data(const Event& event, bool with_copy, bool queued) {
  std::optional<std::string> payload;
  if (with_copy) {
    snowplow::EventCopy copy{&event, snowplow::Origin::browser, "", "00112233-4455-4677-8899-aabbccddeeff", 1796601600000};
    copy.user_id = std::string(43, 'P') + "=";
    payload = snowplow::structured_event_json(copy, snowplow::Installation{});
  }
  const LiveEvent live{event.name, &event, snowplow::Origin::browser, "", 1796613783456, true, {}, payload, queued};
  return live_event_data(live);
}

const Event kPull{"pull_package", 5, 3, 9, {{"label", std::string("npm")}, {"value", 2.5}, {"registry", std::string("eu west")}}};

MetricsReading reading(double weekly, double total) {
  return {"2026-50", {{"counts.pull_weekly", "7d", {"pull_package"}, weekly}, {"counts.pull_total", "all", {"pull_package"}, total}}};
}

bool has_escape(const std::string& text) { return text.find('\x1b') != std::string::npos; }

std::string screen_text(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

}  // namespace

TEST_CASE("a tracked message becomes a row: time, identifiers, label/property/value apart from custom properties, Snowplow") {
  const EventRow row = event_row_of(tracked_data(kPull, true, false));
  CHECK(row.received_at == "2026-12-07T03:23:03.456Z");
  CHECK(row.name == "pull_package");
  CHECK(row.source == "browser");
  CHECK(row.category == "InternalEventTracking");
  CHECK(row.identifiers == "user=5 project=3 namespace=9");
  CHECK(row.label == "npm");
  CHECK(row.property.empty());
  CHECK(row.value == "2.5");
  CHECK(row.custom == R"(registry="eu west")");
  CHECK(row.snowplow == "no collector");
  CHECK(event_row_of(tracked_data(kPull, true, true)).snowplow == "queued");
  const EventRow unsent = event_row_of(tracked_data(kPull, false, false));
  CHECK(unsent.snowplow == "not sent");
  CHECK(unsent.category.empty());
}

TEST_CASE("data the monitor cannot read is an error saying what is wrong") {
  CHECK_THROWS_WITH_AS(event_row_of("not json"), "an event's data is not a JSON object", std::invalid_argument);
  CHECK_THROWS_WITH_AS(event_row_of(R"({"source":"browser"})"), "an event's data has no \"name\"", std::invalid_argument);
  CHECK(lost_count_of(R"({"lost":12})") == 12);
  CHECK_THROWS_AS(lost_count_of(R"({"lost":-1})"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(metrics_reading_of(R"({"metrics":[{"key_path":"a"}]})"),
                       "a metric in the metrics answer has no numeric \"value\"", std::invalid_argument);
  const MetricsReading read = metrics_reading_of(R"({"week":"2026-50","metrics":[{"key_path":"a","time_frame":"7d","events":["x"],"value":3}]})");
  CHECK(read.week == "2026-50");
  REQUIRE(read.metrics.size() == 1);
  CHECK(read.metrics[0].events == std::vector<std::string>{"x"});
  CHECK(read.metrics[0].value == 3);
}

TEST_CASE("start values are the first reading's; a later reading reports what changed since the one before; r resets") {
  MonitorState state;
  CHECK(state.take_reading(reading(4, 10)).empty());
  const auto changed = state.take_reading(reading(5, 10));
  REQUIRE(changed.size() == 1);
  CHECK(metric_line(changed[0]) == "metric counts.pull_weekly 7d 4 -> 5");
  CHECK(state.take_reading(reading(5, 10)).empty());
  CHECK(state.metrics()[0].start == 4);
  CHECK(state.metrics()[0].changed());
  CHECK_FALSE(state.metrics()[1].changed());
  state.reset_start_values();
  CHECK_FALSE(state.metrics()[0].changed());
  CHECK(state.metrics()[0].start == 5);
}

TEST_CASE("paused, events are held and readings ignored; resumed, the held events come in, newest first") {
  MonitorState state;
  state.take_reading(reading(0, 0));
  state.add_event(event_row_of(tracked_data(kPull, true, false)));
  state.toggle_pause();
  EventRow later = event_row_of(tracked_data(kPull, true, false));
  later.name = "later";
  state.add_event(later);
  state.add_lost(3);
  CHECK(state.events().size() == 1);
  CHECK(state.held_events() == 1);
  CHECK(state.lost() == 0);
  CHECK(state.take_reading(reading(1, 1)).empty());
  CHECK(state.metrics()[0].reading.value == 0);
  state.toggle_pause();
  CHECK(state.events().size() == 2);
  CHECK(state.events().front().name == "later");
  CHECK(state.lost() == 3);
}

TEST_CASE("the screen fits its width and height, shows changed values highlighted and events newest first") {
  MonitorState state;
  state.take_reading(reading(0, 7));
  state.take_reading(reading(1, 7));
  for (int i = 0; i < 30; ++i) {
    EventRow row = event_row_of(tracked_data(kPull, true, false));
    row.name = "event_" + std::to_string(i);
    state.add_event(row);
  }
  state.add_lost(12);
  const ScreenFrame frame{100, 20, "http://127.0.0.1:8080 · pull_package", "connected · updated 03:23:04 UTC", false};
  const auto lines = render_screen(state, frame);
  CHECK(lines.size() == 20);
  for (const auto& line : lines) CHECK(display_width(line) <= 100);
  const std::string text = screen_text(lines);
  CHECK(text.find("RELEVANT METRICS (2)") != std::string::npos);
  CHECK(text.find("7d and 28d include this week (2026-50)") != std::string::npos);
  CHECK(text.find("12 events not shown: the monitor fell behind") != std::string::npos);
  CHECK(text.find("EVENTS (30, 9 shown, newest first)") != std::string::npos);
  CHECK(text.find("event_29") < text.find("event_28"));
  CHECK(text.find("event_20") == std::string::npos);  // no room
  // The changed metric's key path and value are highlighted; the unchanged one is not.
  const auto weekly = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find("counts.pull_weekly") != std::string::npos; });
  const auto total = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find("counts.pull_total") != std::string::npos; });
  REQUIRE(weekly != lines.end());
  REQUIRE(total != lines.end());
  CHECK(weekly->find(std::string(kHighlightOn) + "counts.pull_weekly") != std::string::npos);
  CHECK(weekly->find(std::string(kHighlightOn) + "  1" + std::string(kStyleOff)) != std::string::npos);
  CHECK_FALSE(has_escape(*total));
}

TEST_CASE("a narrow, short terminal still gets a screen that fits; trouble is highlighted; pause is said") {
  MonitorState state;
  state.take_reading(reading(0, 0));
  state.add_event(event_row_of(tracked_data(kPull, true, false)));
  state.toggle_pause();
  const ScreenFrame frame{30, 6, "http://127.0.0.1:8080", "no receiver at http://127.0.0.1:8080 (connection refused)", true};
  const auto lines = render_screen(state, frame);
  CHECK(lines.size() <= 6);
  for (const auto& line : lines) CHECK(display_width(line) <= 30);
  CHECK(lines[1].starts_with(std::string(kHighlightOn) + "no receiver"));
  CHECK(screen_text(render_screen(state, {200, 10, "x", "connected", false})).find("PAUSED, 0 events held") != std::string::npos);
}

TEST_CASE("plain lines: one per event with every field, no escape codes, even from the application's own text") {
  EventRow row = event_row_of(tracked_data(kPull, true, true));
  CHECK(event_line(row) ==
        R"(2026-12-07T03:23:03.456Z pull_package source=browser category=InternalEventTracking user=5 project=3 namespace=9 label=npm value=2.5 registry="eu west" snowplow=queued)");
  const Event hostile{"pull_package", 5, std::nullopt, std::nullopt, {{"label", std::string("\x1b[2J\x1b]0;owned\x07")}}};
  const std::string line = event_line(event_row_of(tracked_data(hostile, false, false)));
  CHECK_FALSE(has_escape(line));
  CHECK(line.find("label=?[2J?]0;owned?") != std::string::npos);
  CHECK(lost_line(1) == "1 event not shown: the monitor fell behind");
  CHECK(metric_value_text(3) == "3");
  CHECK(metric_value_text(2.5) == "2.5");
}
