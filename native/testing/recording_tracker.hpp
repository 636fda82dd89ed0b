#pragma once
// What an ie::Tracker tracked, for the tests of code that tracks events: a MemoryStore to count
// in (no file, no server) and a log of every accepted event (its name, its identifiers as the
// tracker saw them, the namespace defaulted from the project, its properties and the counter keys
// it wrote), with checks that return plain bools and sizes so doctest, GoogleTest or a bare
// assert take them. Installed with the library:
//
//   #include "native/testing/recording_tracker.hpp"
//
//   ie::test_support::TrackingRecorder recorder;
//   ie::Tracker tracker(ie::load_definitions("config"), recorder.store(), recorder.tracker_options());
//   publish_package(tracker, …);                                   // the code under test
//   CHECK(recorder.count("pull_package") == 1);
//   CHECK_MESSAGE(recorder.tracked("pull_package", {.label = "npm", .user = 1}), recorder.describe());
//   EXPECT_TRUE(recorder.tracked("pull_package", {.label = "npm"})) << recorder.describe();  // GoogleTest
//
// The log is the tracker's own live event stream (TrackerOptions::event_stream, GET /-/events):
// the recorder listens to it and reads what was published after each commit, so it sees exactly
// the events that were counted, after validation. tracker_options() is strict by default: an
// unknown event or a wrong property type throws in the test instead of being logged.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "native/event_stream/event_stream.hpp"
#include "native/testing/memory_store.hpp"
#include "native/tracker.hpp"

namespace ie::test_support {

struct TrackedEvent {
  std::string name;
  Identifiers identifiers;
  std::map<std::string, Scalar> properties;  // label, property, value and the custom ones
  std::vector<std::string> keys;             // the counter keys its writes touched

  // One line: `pull_package user=1 project=7 namespace=700 label="npm" value=2`.
  std::string describe() const {
    std::string line = name;
    const auto identifier = [&](const char* kind, const std::optional<std::int64_t>& id) {
      if (id) line.append(" ").append(kind).append("=").append(std::to_string(*id));
    };
    identifier("user", identifiers.user);
    identifier("project", identifiers.project);
    identifier("namespace", identifiers.namespace_id);
    for (const auto& [key, value] : properties) line.append(" ").append(key).append("=").append(text_of(value));
    return line;
  }

  static std::string text_of(const Scalar& value) {
    return std::visit(
        [](const auto& v) -> std::string {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::nullptr_t>) return "null";
          else return nlohmann::json(v).dump();
        },
        value);
  }
};

// What a check asks of an event: every field given must match, the rest may be anything.
// {.label = "npm", .user = 1}: fields in this order (designated initializers keep it).
struct EventMatch {
  std::optional<std::string> label = std::nullopt;
  std::optional<std::string> property = std::nullopt;
  std::optional<double> value = std::nullopt;
  std::optional<std::int64_t> user = std::nullopt;
  std::optional<std::int64_t> project = std::nullopt;
  std::optional<std::int64_t> namespace_id = std::nullopt;
  std::map<std::string, Scalar> custom = {};

  bool matches(const TrackedEvent& event) const {
    const auto same = [&](const std::string& key, const Scalar& wanted) {
      const auto found = event.properties.find(key);
      return found != event.properties.end() && same_scalar(found->second, wanted);
    };
    if (label && !same("label", *label)) return false;
    if (property && !same("property", *property)) return false;
    if (value && !same("value", *value)) return false;
    if (user && event.identifiers.user != user) return false;
    if (project && event.identifiers.project != project) return false;
    if (namespace_id && event.identifiers.namespace_id != namespace_id) return false;
    for (const auto& [key, wanted] : custom) {
      if (!same(key, wanted)) return false;
    }
    return true;
  }

  // 2 and 2.0 are the same value: JSON, and so the stream, does not tell them apart.
  static bool same_scalar(const Scalar& a, const Scalar& b) {
    const auto number = [](const Scalar& s) -> std::optional<double> {
      if (const auto* i = std::get_if<std::int64_t>(&s)) return static_cast<double>(*i);
      if (const auto* d = std::get_if<double>(&s)) return *d;
      return std::nullopt;
    };
    if (number(a) && number(b)) return *number(a) == *number(b);
    return a == b;
  }
};

class TrackingRecorder {
 public:
  TrackingRecorder() : listener_(stream_.listen({})) {
    store_.after_apply = [this] { read_stream(); };
  }
  TrackingRecorder(const TrackingRecorder&) = delete;
  TrackingRecorder& operator=(const TrackingRecorder&) = delete;
  ~TrackingRecorder() { listener_->close(); }

  MemoryStore& store() { return store_; }

  // Strict options with this recorder's event stream: a test wants an unknown event to fail.
  TrackerOptions tracker_options() {
    TrackerOptions options;
    options.mode = ValidationMode::strict;
    return tracker_options(std::move(options));
  }
  // `options` (its mode, clock, log…) with this recorder's event stream.
  TrackerOptions tracker_options(TrackerOptions options) {
    options.event_stream = &stream_;
    return options;
  }

  std::vector<TrackedEvent> events() const {
    const std::lock_guard lock(mutex_);
    return events_;
  }

  std::size_t count(std::string_view name, const EventMatch& match = {}) const {
    const std::lock_guard lock(mutex_);
    std::size_t count = 0;
    for (const TrackedEvent& event : events_) count += event.name == name && match.matches(event) ? 1 : 0;
    return count;
  }

  bool tracked(std::string_view name, const EventMatch& match = {}) const { return count(name, match) > 0; }

  // Every event, one a line, for a failed check's message.
  std::string describe() const {
    const std::lock_guard lock(mutex_);
    if (events_.empty()) return lost_ ? lost_note() : "no events tracked";
    std::string text = std::to_string(events_.size()) + (events_.size() == 1 ? " event" : " events") + " tracked:";
    for (const TrackedEvent& event : events_) text.append("\n  ").append(event.describe());
    if (lost_) text.append("\n").append(lost_note());
    return text;
  }

  void clear() {
    const std::lock_guard lock(mutex_);
    events_.clear();
    lost_ = 0;
  }

 private:
  // A batch larger than the stream keeps for a listener (StreamListener::kMaxMessages) loses its
  // oldest events here; describe() says so rather than the log being silently short.
  std::string lost_note() const {
    return "(" + std::to_string(lost_) + " events not recorded: a batch larger than the live event stream keeps)";
  }

  void read_stream() {
    const std::string messages = listener_->take();
    const std::lock_guard lock(mutex_);
    std::istringstream lines(messages);
    std::string line;
    std::string type;
    while (std::getline(lines, line)) {
      if (line.starts_with("event: ")) type = line.substr(7);
      if (!line.starts_with("data: ")) continue;
      const nlohmann::json data = nlohmann::json::parse(line.substr(6));
      if (type == "lost") lost_ += data.at("lost").get<std::uint64_t>();
      else if (type == "tracked" && data.value("counted", true)) events_.push_back(event_of(data));
    }
  }

  static TrackedEvent event_of(const nlohmann::json& data) {
    TrackedEvent event;
    event.name = data.at("name").get<std::string>();
    const nlohmann::json& ids = data.at("identifiers");
    const auto id = [&](const char* kind) -> std::optional<std::int64_t> {
      if (!ids.contains(kind) || ids[kind].is_null()) return std::nullopt;
      return ids[kind].get<std::int64_t>();
    };
    event.identifiers = {id("user"), id("project"), id("namespace")};
    for (const auto& [key, value] : data.at("properties").items()) event.properties[key] = scalar_of(value);
    for (const auto& key : data.value("keys", nlohmann::json::array())) event.keys.push_back(key.get<std::string>());
    return event;
  }

  static Scalar scalar_of(const nlohmann::json& value) {
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_number_integer()) return value.get<std::int64_t>();
    if (value.is_number()) return value.get<double>();
    if (value.is_string()) return value.get<std::string>();
    return nullptr;
  }

  MemoryStore store_;
  EventStream stream_;
  std::shared_ptr<StreamListener> listener_;
  mutable std::mutex mutex_;
  std::vector<TrackedEvent> events_;
  std::uint64_t lost_ = 0;
};

}  // namespace ie::test_support
