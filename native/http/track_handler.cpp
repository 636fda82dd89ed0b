#include "native/http/track_handler.hpp"

#include <algorithm>
#include <chrono>

#include "native/http/json_body.hpp"
#include "native/http/responses.hpp"

namespace ie::http {

namespace {

using json = nlohmann::json;

// One reader per thread, reused: once it has warmed up, reading a body allocates nothing. Its
// values are in use only until track() has turned them into TrackRequests, before any commit.
JsonReader& thread_reader() {
  thread_local JsonReader reader;
  return reader;
}

const JsonValue& object_body(const Request& request) {
  const JsonValue& body = parse_json_body(request, thread_reader());
  if (!body.is_object()) throw HttpError(bhttp::status::bad_request, std::string("the body must be a JSON object, not ") + body.type_name());
  return body;
}

}  // namespace

void TrackHandler::one(const Request& request, Later later) {
  const JsonValue& event = object_body(request);
  track(request, std::span(&event, 1), nullptr, false, std::move(later), [&request](const Outcome& outcome) {
    if (!outcome.rejected.empty()) {
      return error_response(request, bhttp::status::unprocessable_entity, outcome.rejected.front().second.message);
    }
    return text_response(request, bhttp::status::ok, R"({"status":"ok"})", "application/json");
  });
}

void TrackHandler::batch(const Request& request, Later later) {
  const JsonValue& body = object_body(request);
  const JsonValue* events = body.find("events");
  if (!events || !events->is_array()) throw HttpError(bhttp::status::bad_request, "events must be an array of event objects");
  if (events->items().size() > max_batch_events_) {
    throw HttpError(bhttp::status::bad_request, "too many events: " + std::to_string(events->items().size()) + " (the limit is " +
                                                    std::to_string(max_batch_events_) + " per request)");
  }
  track(request, events->items(), body.find("identity"), true, std::move(later), [&request](const Outcome& outcome) {
    if (outcome.rejected.empty()) {  // the usual answer, written without building a JSON document
      return text_response(request, bhttp::status::ok, R"({"accepted":)" + std::to_string(outcome.accepted) + R"(,"rejected":[]})",
                           "application/json");
    }
    json rejected = json::array();
    for (const auto& [index, problem] : outcome.rejected) rejected.push_back({{"index", index}, {"error", problem.message}});
    return json_response(request, bhttp::status::ok, {{"accepted", outcome.accepted}, {"rejected", rejected}});
  });
}

void TrackHandler::track(const Request& request, std::span<const JsonValue> events, const JsonValue* batch_identity, bool is_batch,
                         Later later, Answer answer) {
  const IdentityRules rules = identity_rules(request, events, batch_identity);
  const bool server_caller = access_.is_server_caller(request);  // its copies are the backend's (p=srv)
  if (strict_) refuse_unknown_events(events, is_batch);
  metrics_.batch_received(events.size());
  Outcome outcome;
  std::vector<TrackRequest> requests;
  requests.reserve(events.size());
  EventIndexes indexes;  // the request index of each TrackRequest
  indexes.reserve(events.size());
  for (std::size_t index = 0; index < events.size(); ++index) {
    auto parsed = track_request_from(events[index], rules[index]);
    if (auto* problem = std::get_if<EventProblem>(&parsed)) {
      report(events[index], *problem);
      outcome.rejected.emplace_back(index, std::move(*problem));
      continue;
    }
    TrackRequest& tracked = requests.emplace_back(std::move(std::get<TrackRequest>(parsed)));
    tracked.origin = server_caller ? snowplow::Origin::backend : snowplow::Origin::browser;
    indexes.push_back(index);
  }
  commit(std::move(requests), std::move(indexes), std::move(outcome), std::move(later), std::move(answer));
}

// Counted and logged as the Tracker's own problems are: these never reached it.
void TrackHandler::report(const JsonValue& event, const EventProblem& problem) const {
  const JsonValue* name = event.is_object() ? event.find("event") : nullptr;
  const std::string_view event_name = name && name->is_string() ? name->string() : std::string_view("(no event name)");
  tracker_.problems().report(event_name, EventProblems::reason_of_kind(problem.reason), problem.message, tracker_.now_ms());
}

// Every token is checked before anything is counted: one forged token refuses the whole request.
// An event's own identity wins over the batch's; a non-object event has none (find gives nullptr).
TrackHandler::IdentityRules TrackHandler::identity_rules(const Request& request, std::span<const JsonValue> events,
                                                        const JsonValue* batch_identity) const {
  const bool server_caller = access_.is_server_caller(request);
  const std::int64_t now_seconds = tracker_.now_ms() / 1000;
  IdentityRules rules;
  rules.reserve(events.size());
  for (const JsonValue& event : events) {
    const JsonValue* own = event.find("identity");
    rules.push_back(access_.rule_for(server_caller, own && !own->is_null() ? own : batch_identity, now_seconds));
  }
  return rules;
}

void TrackHandler::refuse_unknown_events(std::span<const JsonValue> events, bool is_batch) const {
  for (std::size_t index = 0; index < events.size(); ++index) {
    const JsonValue* name = events[index].find("event");
    if (!name || !name->is_string()) continue;
    const std::string event(name->string());
    if (!tracker_.definitions().find_event(event)) {
      const std::string where = is_batch ? "events[" + std::to_string(index) + "]: " : "";
      throw HttpError(bhttp::status::unprocessable_entity, where + "unknown event '" + event + "': it has no definition");
    }
  }
}

// The store's thread, which calls back, only hands the outcome to `later`: `answer` runs where the
// session writes. StoreUnavailable (nothing counted) is rethrown there, to be answered as 503.
void TrackHandler::commit(std::vector<TrackRequest> requests, EventIndexes indexes, Outcome outcome, Later later,
                          Answer answer) {
  const auto started = std::chrono::steady_clock::now();
  const bool commits = !requests.empty();
  Pending pending{std::move(indexes), std::move(outcome), std::move(answer)};
  auto done = [this, started, commits, pending = std::move(pending), later = std::move(later)](std::exception_ptr error,
                                                                                               BatchOutcome tracked) mutable {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    later([this, error, seconds, commits, tracked = std::move(tracked), pending = std::move(pending)]() mutable {
      if (error) std::rethrow_exception(error);
      if (commits) metrics_.store_committed(seconds);
      return pending.answer(merged(std::move(tracked), pending.indexes, std::move(pending.outcome)));
    });
  };
  tracker_.track_events_async(std::move(requests), std::move(done));
}

TrackHandler::Outcome TrackHandler::merged(BatchOutcome tracked, const EventIndexes& indexes, Outcome outcome) {
  outcome.accepted = tracked.accepted;
  for (const auto& [position, error] : tracked.rejected) outcome.rejected.emplace_back(indexes[position], problem_from(error));
  std::sort(outcome.rejected.begin(), outcome.rejected.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> reasons;
  for (const auto& [index, problem] : outcome.rejected) reasons.push_back(problem.reason);
  metrics_.events_counted(outcome.accepted, reasons);
  return outcome;
}

}  // namespace ie::http
