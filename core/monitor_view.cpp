#include "core/monitor_view.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/number_text.hpp"
#include "core/text_table.hpp"

namespace ie {

namespace {

using nlohmann::json;

json parsed(std::string_view text, const char* what) {
  json document = json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object()) throw std::invalid_argument(std::string(what) + " is not a JSON object");
  return document;
}

std::string string_member(const json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// A property's value as the tables show it: strings as they are, numbers and booleans as JSON.
std::string scalar_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return double_text(value.get<double>());
  return value.dump();
}

// A plain line's `key=value`: quoted as JSON when the value holds a blank or a quote, so the
// fields of a line still split at blanks.
std::string field(std::string_view key, std::string_view value) {
  const bool needs_quotes = value.empty() || value.find_first_of(" \"=") != std::string_view::npos;
  return std::string(key) + '=' + (needs_quotes ? json(std::string(value)).dump() : std::string(value));
}

std::string identifiers_text(const json& identifiers) {
  std::string text;
  for (const char* name : {"user", "project", "namespace"}) {
    const auto found = identifiers.find(name);
    if (found == identifiers.end()) continue;
    if (!text.empty()) text += ' ';
    text += std::string(name) + '=' + scalar_text(*found);
  }
  return text;
}

std::string snowplow_text(const json& snowplow) {
  if (snowplow.is_null()) return "not sent";
  return snowplow.value("queued", false) ? "queued" : "no collector";
}

std::string category_of(const json& snowplow) {
  if (!snowplow.is_object()) return {};
  const auto payload = snowplow.find("payload");
  return payload != snowplow.end() && payload->is_object() ? string_member(*payload, "se_ca") : std::string();
}

void take_properties(const json& properties, EventRow& row) {
  for (const auto& [name, value] : properties.items()) {
    const std::string text = printable(scalar_text(value));
    if (name == "label") row.label = text;
    else if (name == "property") row.property = text;
    else if (name == "value") row.value = text;
    else row.custom += (row.custom.empty() ? "" : " ") + field(printable(name), text);
  }
}

// The hh:mm:ss.mmm of an ISO timestamp: the day is today's, and the table is narrow.
std::string time_of_day(const std::string& timestamp) {
  const std::size_t t = timestamp.find('T');
  if (t == std::string::npos) return timestamp;
  std::string time = timestamp.substr(t + 1);
  if (!time.empty() && time.back() == 'Z') time.pop_back();
  return time;
}

std::string events_text(const std::vector<std::string>& events) {
  std::string text;
  for (const auto& name : events) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::vector<std::string> metrics_table(const MonitorState& state, std::size_t width, std::size_t rows) {
  const std::vector<TableColumn> columns{
      {"Key path", false, 2, 20}, {"Time frame", false, 0, 3}, {"Events", false, 3, 12}, {"Start", true, 0, 3}, {"Now", true, 0, 3}};
  std::vector<TableRow> table;
  for (const auto& row : state.metrics()) {
    if (table.size() == rows) break;
    const bool changed = row.changed();
    table.push_back({{row.reading.key_path, changed}, {row.reading.time_frame}, {events_text(row.reading.events)},
                     {metric_value_text(row.start)}, {metric_value_text(row.reading.value), changed}});
  }
  return render_table(columns, table, width, true);
}

std::vector<std::string> events_table(const MonitorState& state, std::size_t width, std::size_t rows) {
  const std::vector<TableColumn> columns{{"Time", false, 0, 8},        {"Event", false, 4, 16},   {"Category", false, 6, 8},
                                         {"Identifiers", false, 3, 10}, {"Label", false, 2, 5},    {"Property", false, 2, 5},
                                         {"Value", true, 1, 5},         {"Custom", false, 5, 6},   {"Snowplow", false, 0, 8}};
  std::vector<TableRow> table;
  for (const auto& event : state.events()) {
    if (table.size() == rows) break;
    const std::string name = event.counted ? event.name : event.name + " (forwarded only)";
    table.push_back({{time_of_day(event.received_at)}, {name}, {event.category}, {event.identifiers}, {event.label},
                     {event.property}, {event.value}, {event.custom}, {event.snowplow}});
  }
  return render_table(columns, table, width, true);
}

std::string heading(std::string_view title, std::size_t shown, std::size_t total, std::string_view more) {
  std::string text(title);
  text += " (" + std::to_string(total);
  if (shown < total) text += ", " + std::to_string(shown) + " shown";
  text += more;
  text += ")";
  return std::string(kHeaderOn) + text + std::string(kStyleOff);
}

std::string keys_hint(const MonitorState& state) {
  if (!state.paused()) return "p pause · r reset start values · q quit";
  return "PAUSED, " + std::to_string(state.held_events()) + (state.held_events() == 1 ? " event" : " events") + " held · p resume · q quit";
}

}  // namespace

std::string metric_value_text(double value) {
  if (std::trunc(value) == value && std::fabs(value) < 9e15) return std::to_string(static_cast<std::int64_t>(value));
  return double_text(value);
}

MetricsReading metrics_reading_of(std::string_view text) {
  const json document = parsed(text, "the metrics answer");
  const auto metrics = document.find("metrics");
  if (metrics == document.end() || !metrics->is_array()) throw std::invalid_argument("the metrics answer has no \"metrics\" list");
  MetricsReading reading{string_member(document, "week"), {}};
  for (const auto& metric : *metrics) {
    if (!metric.is_object() || !metric.contains("value") || !metric["value"].is_number()) {
      throw std::invalid_argument("a metric in the metrics answer has no numeric \"value\"");
    }
    MetricReading row{printable(string_member(metric, "key_path")), printable(string_member(metric, "time_frame")), {},
                      metric["value"].get<double>()};
    for (const auto& event : metric.value("events", json::array())) {
      if (event.is_string()) row.events.push_back(printable(event.get<std::string>()));
    }
    reading.metrics.push_back(std::move(row));
  }
  return reading;
}

EventRow event_row_of(std::string_view data) {
  const json message = parsed(data, "an event's data");
  EventRow row;
  row.received_at = printable(string_member(message, "received_at"));
  row.name = printable(string_member(message, "name"));
  if (row.name.empty()) throw std::invalid_argument("an event's data has no \"name\"");
  row.source = printable(string_member(message, "source"));
  row.counted = message.value("counted", true);
  const json snowplow = message.value("snowplow", json());
  row.category = printable(category_of(snowplow));
  row.snowplow = snowplow_text(snowplow);
  row.identifiers = identifiers_text(message.value("identifiers", json::object()));
  take_properties(message.value("properties", json::object()), row);
  return row;
}

std::uint64_t lost_count_of(std::string_view data) {
  const json message = parsed(data, "a lost message's data");
  const auto lost = message.find("lost");
  if (lost == message.end() || !lost->is_number_unsigned()) throw std::invalid_argument("a lost message's data has no \"lost\" count");
  return lost->get<std::uint64_t>();
}

std::vector<MetricRow> MonitorState::take_reading(const MetricsReading& reading) {
  std::vector<MetricRow> changed;
  if (paused_) return changed;
  std::vector<MetricRow> rows;
  for (const auto& metric : reading.metrics) {
    const auto known = std::find_if(metrics_.begin(), metrics_.end(),
                                    [&](const MetricRow& row) { return row.reading.key_path == metric.key_path; });
    MetricRow row{metric, known == metrics_.end() ? metric.value : known->start};
    if (known != metrics_.end() && known->reading.value != metric.value) changed.push_back({metric, known->reading.value});
    rows.push_back(std::move(row));
  }
  metrics_ = std::move(rows);
  week_ = reading.week;
  return changed;
}

void MonitorState::reset_start_values() {
  for (auto& row : metrics_) row.start = row.reading.value;
}

void MonitorState::keep(EventRow event) {
  events_.push_front(std::move(event));
  if (events_.size() > kMaxEvents) events_.pop_back();
}

void MonitorState::add_event(EventRow event) {
  if (paused_) held_.push_back(std::move(event));
  else keep(std::move(event));
}

void MonitorState::add_lost(std::uint64_t lost) { (paused_ ? held_lost_ : lost_) += lost; }

void MonitorState::toggle_pause() {
  paused_ = !paused_;
  if (paused_) return;
  for (auto& event : held_) keep(std::move(event));
  held_.clear();
  lost_ += held_lost_;
  held_lost_ = 0;
}

std::vector<std::string> render_screen(const MonitorState& state, const ScreenFrame& frame) {
  const std::size_t width = std::max<std::size_t>(frame.width, 20);
  std::vector<std::string> lines;
  lines.push_back(std::string(kHeaderOn) + "Internal Events monitor" + std::string(kStyleOff) + " · " + frame.title + "   " +
                  keys_hint(state));
  std::string status = frame.status;
  if (frame.status_is_trouble) status = std::string(kHighlightOn) + status + std::string(kStyleOff);
  if (!state.week().empty()) status += " · 7d and 28d include this week (" + state.week() + ")";
  lines.push_back(status);
  lines.emplace_back();

  // The rows left for the two tables: the metrics take what they need, but only half while
  // there are events for the other half; the events take the rest.
  const std::size_t fixed = lines.size() + 2 /* headings */ + 2 /* table headers */ + 1 /* blank */ + (state.lost() ? 1 : 0);
  const std::size_t room = frame.height > fixed ? frame.height - fixed : 0;
  const std::size_t unused_by_events = room - std::min(room, state.events().size());
  const std::size_t metric_rows = std::min(state.metrics().size(), std::max(room / 2, unused_by_events));
  const std::size_t event_rows = std::min(state.events().size(), room - metric_rows);

  lines.push_back(heading("RELEVANT METRICS", metric_rows, state.metrics().size(), ""));
  for (auto& line : metrics_table(state, width, metric_rows)) lines.push_back(std::move(line));
  lines.emplace_back();
  lines.push_back(heading("EVENTS", event_rows, state.events().size(), ", newest first"));
  if (state.lost()) lines.push_back(std::string(kHighlightOn) + lost_line(state.lost()) + std::string(kStyleOff));
  for (auto& line : events_table(state, width, event_rows)) lines.push_back(std::move(line));

  if (lines.size() > frame.height) lines.resize(frame.height);
  for (auto& line : lines) line = fit_to_width(line, width);
  return lines;
}

std::string event_line(const EventRow& event) {
  std::string line = event.received_at + ' ' + event.name;
  const auto add = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) line += ' ' + field(key, value);
  };
  add("source", event.source);
  if (!event.counted) line += " counted=false";
  add("category", event.category);
  if (!event.identifiers.empty()) line += ' ' + event.identifiers;
  add("label", event.label);
  add("property", event.property);
  add("value", event.value);
  if (!event.custom.empty()) line += ' ' + event.custom;
  add("snowplow", event.snowplow);
  return line;
}

std::string metric_line(const MetricRow& row) {
  return "metric " + row.reading.key_path + ' ' + row.reading.time_frame + ' ' + metric_value_text(row.start) + " -> " +
         metric_value_text(row.reading.value);
}

std::string lost_line(std::uint64_t lost) {
  return std::to_string(lost) + (lost == 1 ? " event" : " events") + " not shown: the monitor fell behind";
}

}  // namespace ie
