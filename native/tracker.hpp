#pragma once
// The C++ backend API, GitLab's InternalEvents.track_event: validate the event against the
// definitions, then apply every counter rule it triggers in one atomic, durable store commit.
//
//   ie::Tracker tracker(ie::load_definitions("config"), *ie::open_store("sqlite:data/x.sqlite3"));
//   tracker.track_event("i_code_review_user_apply_suggestion", {.user = 1, .project = 7}, {{"label", "diff"}});
//
// Production mode (the default) counts and logs problems (see event_problems.hpp) and never throws: a tracking call must
// not break its caller. Strict mode (development, tests) throws the typed errors of event_errors.hpp.
#include <atomic>
#include <boost/container/small_vector.hpp>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/counter_rules.hpp"
#include "core/event_errors.hpp"
#include "core/event_validation.hpp"
#include "core/snowplow/payload.hpp"
#include "native/event_problems.hpp"
#include "native/event_stream/event_stream.hpp"
#include "native/snowplow/event_copies.hpp"
#include "native/store/counter_store.hpp"

namespace ie {

// Designated initializers read best at call sites: {.user = 1, .project = 7}.
struct Identifiers {
  std::optional<std::int64_t> user = std::nullopt;
  std::optional<std::int64_t> project = std::nullopt;
  std::optional<std::int64_t> namespace_id = std::nullopt;
};

struct TrackerOptions {
  ValidationMode mode = ValidationMode::production;
  // GitLab defaults the namespace to the project's; we know projects only through this lookup.
  std::function<std::optional<std::int64_t>(std::int64_t project)> namespace_of_project;
  std::function<std::int64_t()> now_ms;                  // default: the system clock
  std::function<void(const std::string&)> log;           // default: the process log, native/log.hpp
  // Set: every tracked event's Snowplow copy is queued in the store's outbox, in the commit of its
  // counters, for an Emitter to send (GitLab sends them only where a collector is set up).
  std::optional<snowplow::Installation> snowplow;
  // Set: every accepted event is published to its listeners once committed (GET /-/events), with
  // its Snowplow copy, or without a collector the copy it would send. Not owned.
  EventStream* event_stream = nullptr;
};

// One event of a batch, before validation (identifiers and properties may have any type).
struct TrackRequest {
  EventInput input;
  std::string event_id;
  snowplow::Origin origin = snowplow::Origin::backend;
  std::string category{};  // of its Snowplow copy; empty: InternalEventTracking
  bool send_snowplow_event = true;
  // A Snowplow tracker's event (tp2): its own payload, pseudonymised, is forwarded as it is.
  std::string forwarded_snowplow_event{};
  // False for a tp2 event that is no internal event: nothing to count, only its copy to forward.
  bool count = true;
};

struct BatchOutcome {
  std::size_t accepted = 0;  // applied, or duplicates of events applied before
  std::vector<std::pair<std::size_t, EventError>> rejected;  // index in the batch, why
};

// How an asynchronous batch ends: StoreUnavailable (nothing counted), or the outcome. Called
// exactly once and must not throw; see CounterStore::apply_async for the thread it runs on.
using TrackDone = std::function<void(std::exception_ptr, BatchOutcome)>;

class Tracker {
 public:
  Tracker(Definitions definitions, CounterStore& store, TrackerOptions options = {});

  // True when the event was counted. Strict mode throws EventValidationError subclasses and
  // StoreUnavailable; production mode logs them and returns false.
  bool track_event(const std::string& event_name, const Identifiers& identifiers,
                   const std::map<std::string, Scalar>& additional_properties = {}, bool send_snowplow_event = true);

  // Many events, one commit: invalid events are rejected one by one, the valid ones all land or
  // (StoreUnavailable, always thrown) none does. track_events_async() with a wait.
  BatchOutcome track_events(std::vector<TrackRequest> requests);

  // The same without waiting for the commit: validation happens here, on the caller's thread;
  // `done` follows once the store has committed (at once when nothing valid is left to commit).
  void track_events_async(std::vector<TrackRequest> requests, TrackDone done);

  const Definitions& definitions() const { return definitions_; }
  // Set when Snowplow copies are queued (TrackerOptions::snowplow).
  const snowplow::EventCopies* snowplow_copies() const { return snowplow_ ? &*snowplow_ : nullptr; }
  CounterStore& store() { return store_; }
  EventStream* event_stream() const { return options_.event_stream; }
  std::int64_t now_ms() const { return options_.now_ms(); }

  std::uint64_t accepted_total() const { return accepted_; }
  std::uint64_t rejected_total() const { return rejected_; }
  std::uint64_t snowplow_dropped_total() const { return snowplow_dropped_; }
  // Every problem of a tracked event by (event, reason), for /-/metrics; flush() at shutdown.
  EventProblems& problems() const { return problems_; }

 private:
  // A defined event's definition and counter rules, found with one hash lookup: tracking looked
  // them up one after the other, the definition in a std::map of names sharing long prefixes.
  struct KnownEvent {
    std::string_view name;  // definitions_' own
    const EventDefinition* definition;
    const std::vector<CounterRule>* rules;
  };
  static std::unordered_map<std::string_view, KnownEvent> index_of(const Definitions& definitions, const CounterRules& rules);
  const KnownEvent* known_event(const std::string& name) const;  // nullptr: not defined

  EventInput with_default_namespace(EventInput input) const;
  void counted(BatchOutcome outcome, const TrackDone& done);
  EventWrites writes_for(const Event& event, const std::vector<CounterRule>& rules, TrackRequest& request, DayKeys& keys,
                         std::int64_t now_ms) const;
  std::string snowplow_copy(const Event& event, TrackRequest& request, std::int64_t now_ms) const;
  bool forward_only(TrackRequest& request, std::vector<EventWrites>& batch) const;  // true: queued
  const snowplow::EventCopies* preview() const;
  LiveInput live_input(const Event* event, const TrackRequest& request, const EventWrites& writes, std::int64_t now_ms) const;
  // The event of each Snowplow copy of a batch, in order, should the outbox be full; room for one
  // inline, so a single event with forwarding on allocates nothing for it.
  using CopyEvents = boost::container::small_vector<std::string_view, 1>;
  void report_dropped_copies(const CopyEvents& copies_of, std::size_t dropped, std::int64_t now_ms) const;
  DayKeys& day_keys(std::int64_t now_ms) const;

  const std::uint64_t id_;  // tells this tracker's day_keys() from another's on the same thread
  Definitions definitions_;
  CounterRules rules_;
  const std::unordered_map<std::string_view, KnownEvent> known_events_;  // views of definitions_' names
  CounterStore& store_;
  TrackerOptions options_;
  std::optional<snowplow::EventCopies> snowplow_;
  // With a stream and no collector, the copies it would send: made when first listened to, as the
  // store's secret may be out of reach at start-up (Redis down) and nobody may ever listen.
  mutable std::once_flag preview_made_;
  mutable std::optional<snowplow::EventCopies> preview_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> snowplow_dropped_{0};
  mutable EventProblems problems_;  // counting a problem is not a change of the tracker's state
};

// Today's date in UTC from milliseconds since the epoch.
Date utc_date(std::int64_t now_ms);

}  // namespace ie
