#include "native/tracker.hpp"

#include <algorithm>
#include <utility>

#include "core/counter_writes.hpp"
#include "core/live_event.hpp"
#include "native/event_stream/live_batch.hpp"
#include "native/wait_for.hpp"
#include "native/wall_clock.hpp"

namespace ie {

namespace {

// A Snowplow tracker's event that is no internal event has no name of ours.
constexpr std::string_view kForwardedOnly = LiveBatch::kForwardedOnly;

std::atomic<std::uint64_t> next_tracker_id{1};

Fields identifier_fields(const Identifiers& identifiers) {
  Fields fields;
  if (identifiers.user) fields["user"] = *identifiers.user;
  if (identifiers.project) fields["project"] = *identifiers.project;
  if (identifiers.namespace_id) fields["namespace"] = *identifiers.namespace_id;
  return fields;
}

}  // namespace

Date utc_date(std::int64_t now_ms) {
  return date_from_days(now_ms >= 0 ? now_ms / kMsPerDay : (now_ms - kMsPerDay + 1) / kMsPerDay);
}

Tracker::Tracker(Definitions definitions, CounterStore& store, TrackerOptions options)
    : id_(next_tracker_id++),
      definitions_(std::move(definitions)),
      rules_(definitions_),
      known_events_(index_of(definitions_, rules_)),
      store_(store),
      options_(std::move(options)),
      problems_(options_.log) {
  if (!options_.now_ms) options_.now_ms = wall_clock_ms;
  if (options_.snowplow) snowplow_.emplace(*options_.snowplow, snowplow::Pseudonymizer::of_store(store_));
}

EventInput Tracker::with_default_namespace(EventInput input) const {
  if (!options_.namespace_of_project) return input;
  const auto project = input.identifiers.find("project");
  const auto given = input.identifiers.find("namespace");
  const bool has_namespace = given != input.identifiers.end() && !std::holds_alternative<std::nullptr_t>(given->second);
  if (!has_namespace && project != input.identifiers.end()) {
    if (const auto* id = std::get_if<std::int64_t>(&project->second)) {
      if (auto namespace_id = options_.namespace_of_project(*id)) input.identifiers["namespace"] = *namespace_id;
    }
  }
  return input;
}

std::unordered_map<std::string_view, Tracker::KnownEvent> Tracker::index_of(const Definitions& definitions, const CounterRules& rules) {
  std::unordered_map<std::string_view, KnownEvent> index;
  for (const auto& [name, definition] : definitions.events) index.emplace(name, KnownEvent{name, &definition, &rules.for_event(name)});
  return index;
}

const Tracker::KnownEvent* Tracker::known_event(const std::string& name) const {
  const auto found = known_events_.find(name);
  return found == known_events_.end() ? nullptr : &found->second;
}

EventWrites Tracker::writes_for(const Event& event, const std::vector<CounterRule>& rules, TrackRequest& request, DayKeys& keys,
                                std::int64_t now_ms) const {
  // One plan per thread, reused: its vector was an allocation per tracked event. Its writes are
  // moved out and its skipped rules taken before logging, which may track events itself.
  thread_local CounterPlan plan;
  plan_counter_writes(rules, event, keys, plan);
  std::string copy = snowplow_copy(event, request, now_ms);  // before the event id is moved out: it carries the same eid
  EventWrites writes{std::move(request.event_id), {std::make_move_iterator(plan.writes.begin()), std::make_move_iterator(plan.writes.end())},
                     std::move(copy)};
  if (!plan.skipped.empty()) {
    const std::vector<SkippedRule> skipped = std::exchange(plan.skipped, {});
    for (const auto& rule : skipped) problems_.report(event.name, rule.reason(), "event '" + event.name + "': skipped " + rule.text(), now_ms);
  }
  return writes;
}

std::string Tracker::snowplow_copy(const Event& event, TrackRequest& request, std::int64_t now_ms) const {
  if (!snowplow_ || !request.send_snowplow_event) return {};
  if (!request.forwarded_snowplow_event.empty()) return std::move(request.forwarded_snowplow_event);
  return snowplow_->structured(event, request.origin, request.category, request.event_id, now_ms);
}

bool Tracker::track_event(const std::string& event_name, const Identifiers& identifiers,
                          const std::map<std::string, Scalar>& additional_properties, bool send_snowplow_event) {
  try {
    TrackRequest request{{event_name, identifier_fields(identifiers), Fields(additional_properties)}, ""};
    request.send_snowplow_event = send_snowplow_event;
    const BatchOutcome outcome = track_events({std::move(request)});
    if (!outcome.rejected.empty() && options_.mode == ValidationMode::strict) throw_event_error(outcome.rejected.front().second);
    return outcome.accepted == 1;
  } catch (const StoreUnavailable& error) {
    if (options_.mode == ValidationMode::strict) throw;
    problems_.report(event_name, "store unavailable", "event '" + event_name + "' not counted: " + error.what(), options_.now_ms());
    return false;
  }
}

BatchOutcome Tracker::track_events(std::vector<TrackRequest> requests) {
  return wait_for<BatchOutcome>([&](TrackDone done) { track_events_async(std::move(requests), std::move(done)); });
}

void Tracker::track_events_async(std::vector<TrackRequest> requests, TrackDone done) {
  BatchOutcome outcome;
  const std::int64_t now_ms = options_.now_ms();
  DayKeys& keys = day_keys(now_ms);
  std::vector<EventWrites> batch;
  batch.reserve(requests.size());
  CopyEvents copies_of;
  if (snowplow_) copies_of.reserve(requests.size());
  // Built only while someone listens; published once the batch is committed.
  const bool live = options_.event_stream && options_.event_stream->listening();
  std::shared_ptr<LiveBatch> published = live ? options_.event_stream->batch(requests.size()) : nullptr;
  const auto publish_last = [&](const Event* event, const TrackRequest& request) {
    if (live) published->add(live_input(event, request, batch.back(), now_ms));
  };
  for (std::size_t index = 0; index < requests.size(); ++index) {
    TrackRequest& request = requests[index];
    if (!request.count) {  // a tp2 event to forward only: it has no definition to be checked against
      if (snowplow_ && !request.forwarded_snowplow_event.empty()) copies_of.push_back(kForwardedOnly);
      if (forward_only(request, batch)) publish_last(nullptr, request);
      continue;
    }
    EventInput input = with_default_namespace(std::move(request.input));
    const KnownEvent* known = known_event(input.name);
    // Without a definition, validation gives the unknown-event error.
    auto result = known ? validate_event(*known->definition, std::move(input)) : validate_event(definitions_, std::move(input));
    if (const auto* error = std::get_if<EventError>(&result)) {
      problems_.report(error->event, EventProblems::reason_of_kind(event_error_kind_name(error->kind)), error->message, now_ms);
      // A Snowplow tracker's event is accepted as a collector would: not counted, still forwarded.
      if (request.origin == snowplow::Origin::tp2) {
        if (snowplow_ && !request.forwarded_snowplow_event.empty()) copies_of.push_back(kForwardedOnly);
        if (forward_only(request, batch)) publish_last(nullptr, request);
      } else {
        outcome.rejected.emplace_back(index, *error);
      }
      continue;
    }
    Event& event = std::get<Event>(result);
    batch.push_back(writes_for(event, *known->rules, request, keys, now_ms));
    if (!batch.back().snowplow_event.empty()) copies_of.push_back(known->name);
    publish_last(&event, request);
  }
  outcome.accepted = requests.size() - outcome.rejected.size();
  if (batch.empty()) return counted(std::move(outcome), done);
  store_.apply_async(std::move(batch), now_ms,
                     [this, now_ms, outcome = std::move(outcome), copies_of = std::move(copies_of), done = std::move(done),
                      published = std::move(published)](std::exception_ptr error, ApplyResult applied) mutable {
                       if (error) return done(error, {});  // StoreUnavailable: nothing was counted
                       if (published) options_.event_stream->publish(std::move(published));
                       snowplow_dropped_ += applied.snowplow_dropped;
                       report_dropped_copies(copies_of, applied.snowplow_dropped, now_ms);
                       counted(std::move(outcome), done);
                     });
}

bool Tracker::forward_only(TrackRequest& request, std::vector<EventWrites>& batch) const {
  if (!snowplow_ || request.forwarded_snowplow_event.empty()) return false;
  batch.push_back(EventWrites{std::move(request.event_id), {}, std::move(request.forwarded_snowplow_event)});
  return true;
}

const snowplow::EventCopies* Tracker::preview() const {
  std::call_once(preview_made_, [this] { preview_.emplace(snowplow::Installation{}, snowplow::Pseudonymizer::of_store(store_)); });
  return &*preview_;
}

// What the live event stream is given of an event (`event` null for a Snowplow tracker's event that
// is only forwarded), to keep and render later, on the listener's thread that takes it.
LiveInput Tracker::live_input(const Event* event, const TrackRequest& request, const EventWrites& writes, std::int64_t now_ms) const {
  const bool would_send = request.send_snowplow_event && request.origin != snowplow::Origin::tp2;
  return {.event = event,
          .origin = request.origin,
          .category = request.category,
          .event_id = writes.event_id,
          .received_at_ms = now_ms,
          .writes = {writes.writes.data(), writes.writes.size()},
          .queued_copy = writes.snowplow_event,
          .preview = !snowplow_ && would_send ? preview() : nullptr};
}

// The store says how many copies it dropped, not which: the outbox fills up during a batch, so
// they are taken to be the last ones.
void Tracker::report_dropped_copies(const CopyEvents& copies_of, std::size_t dropped, std::int64_t now_ms) const {
  const std::size_t known = std::min(dropped, copies_of.size());
  for (std::size_t i = copies_of.size() - known; i < copies_of.size(); ++i) {
    const std::string event(copies_of[i]);
    problems_.report(event, "snowplow copy not queued",
                     "event '" + event + "': its Snowplow copy was not queued: the outbox is full (--outbox-max-events)", now_ms);
  }
}

// The keys of today, kept by each thread from one call to the next: a single-event request built
// its three keys from scratch every time.
DayKeys& Tracker::day_keys(std::int64_t now_ms) const {
  struct Kept {
    std::uint64_t tracker_id = 0;
    std::optional<DayKeys> keys;
  };
  thread_local Kept kept;
  const Date today = utc_date(now_ms);
  if (kept.tracker_id != id_ || !kept.keys || !(kept.keys->day() == today)) {
    kept.tracker_id = id_;
    kept.keys.emplace(today);
  }
  return *kept.keys;
}

void Tracker::counted(BatchOutcome outcome, const TrackDone& done) {
  accepted_ += outcome.accepted;
  rejected_ += outcome.rejected.size();
  done(nullptr, std::move(outcome));
}

}  // namespace ie
