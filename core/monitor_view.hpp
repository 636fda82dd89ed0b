#pragma once
// What `internal-events monitor` shows, without the terminal: its state (the relevant metrics
// with their value when the monitor started and now, the events as they arrived) and that state
// drawn as lines, either a full screen for a given width and height or one plain line per event
// and per changed metric for a pipe. The I/O is native/cli/monitor_command.cpp's.
//
// Full screen, for a terminal (changed values in bold red, as GitLab's monitor has them):
//
//   Internal Events monitor · http://127.0.0.1:8080 · pull_package
//   connected · updated 12:03:04 UTC · 7d and 28d include the current week   p pause · r reset · q quit
//
//   RELEVANT METRICS (2)
//   Key path                                             Time frame  Events        Start  Now
//   counts.count_total_pull_package_weekly               7d          pull_package      0    1
//   …
//   EVENTS (1, newest first)
//   Time          Event         Category  Identifiers     Label  Property  Value  Custom  Snowplow
//   12:03:03.456  pull_package  projects  user=5 …        npm              2              no collector
//
// Plain, for a pipe (no escape codes):
//
//   2026-12-07T12:03:03.456Z pull_package source=browser category=projects user=5 label=npm value=2 snowplow=no collector
//   metric counts.count_total_pull_package_weekly 7d 0 -> 1
//   12 events not shown: the monitor fell behind
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace ie {

// One metric as GET /-/monitor/metrics reads it.
struct MetricReading {
  std::string key_path;
  std::string time_frame;  // 7d, 28d, all
  std::vector<std::string> events;
  double value = 0;
};

struct MetricsReading {
  std::string week;  // "2026-49": the current week the 7d and 28d values include
  std::vector<MetricReading> metrics;
};

// The JSON answer of GET /-/monitor/metrics; std::invalid_argument naming what is wrong.
MetricsReading metrics_reading_of(std::string_view json);

struct MetricRow {
  MetricReading reading;  // the latest
  double start = 0;       // when the monitor started, or was last reset
  bool changed() const { return reading.value != start; }
};

// One `event: tracked` message, as the tables show it; every text is printable().
struct EventRow {
  std::string received_at;  // 2026-12-07T12:03:03.456Z
  std::string name;
  std::string source;       // backend, browser, tp2
  bool counted = true;      // false: a Snowplow tracker's event, forwarded only
  std::string category;     // the Snowplow copy's se_ca; "" without one
  std::string identifiers;  // "user=5 project=3 namespace=9"
  std::string label, property, value;
  std::string custom;       // the other properties: "registry=eu tier=free"
  std::string snowplow;     // queued, no collector (shown as it would be sent), not sent
};

// std::invalid_argument naming what is wrong with the message's data.
EventRow event_row_of(std::string_view data);
std::uint64_t lost_count_of(std::string_view data);

class MonitorState {
 public:
  static constexpr std::size_t kMaxEvents = 500;  // more never fit a screen

  // A new reading: a metric seen for the first time starts at its value. The rows whose value
  // differs from the reading before, with that value as their start, for plain lines. Ignored
  // while paused.
  std::vector<MetricRow> take_reading(const MetricsReading& reading);
  void reset_start_values();

  // Newest first. While paused, held until resume.
  void add_event(EventRow event);
  void add_lost(std::uint64_t lost);

  void toggle_pause();
  bool paused() const { return paused_; }
  std::size_t held_events() const { return held_.size(); }

  const std::vector<MetricRow>& metrics() const { return metrics_; }
  const std::deque<EventRow>& events() const { return events_; }
  const std::string& week() const { return week_; }
  std::uint64_t lost() const { return lost_; }

 private:
  void keep(EventRow event);

  std::vector<MetricRow> metrics_;
  std::deque<EventRow> events_;
  std::vector<EventRow> held_;
  std::string week_;
  std::uint64_t lost_ = 0;
  std::uint64_t held_lost_ = 0;
  bool paused_ = false;
};

struct ScreenFrame {
  std::size_t width = 80;
  std::size_t height = 24;
  std::string title;   // "http://127.0.0.1:8080 · pull_package"
  std::string status;  // "connected · updated 12:03:04 UTC", or what went wrong
  bool status_is_trouble = false;  // highlighted: the receiver is gone
};

// At most `height` lines, each at most `width` code points wide once escapes are left out.
std::vector<std::string> render_screen(const MonitorState& state, const ScreenFrame& frame);

std::string event_line(const EventRow& event);
std::string metric_line(const MetricRow& row);  // from its start to its value now
std::string lost_line(std::uint64_t lost);

// Counts print as integers, sums as their shortest text.
std::string metric_value_text(double value);

}  // namespace ie
