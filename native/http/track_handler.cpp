#include "native/http/track_handler.hpp"

#include <algorithm>
#include <chrono>

#include "native/http/json_body.hpp"
#include "native/http/responses.hpp"

namespace ie::http {

namespace {

using json = nlohmann::json;

const json& field_or_null(const json& object, const char* name) {
  static const json null_value;
  const auto found = object.find(name);
  return found == object.end() ? null_value : *found;
}

json object_body(const Request& request) {
  json body = parse_json_body(request);
  if (!body.is_object()) throw HttpError(bhttp::status::bad_request, std::string("the body must be a JSON object, not ") + body.type_name());
  return body;
}

}  // namespace

void TrackHandler::one(const Request& request, Later later) {
  json events = json::array();
  events.push_back(object_body(request));
  track(request, events, nullptr, false, std::move(later), [&request](const Outcome& outcome) {
    if (!outcome.rejected.empty()) {
      return error_response(request, bhttp::status::unprocessable_entity, outcome.rejected.front().second.message);
    }
    return json_response(request, bhttp::status::ok, {{"status", "ok"}});
  });
}

void TrackHandler::batch(const Request& request, Later later) {
  const json body = object_body(request);
  const json& events = field_or_null(body, "events");
  if (!events.is_array()) throw HttpError(bhttp::status::bad_request, "events must be an array of event objects");
  if (events.size() > max_batch_events_) {
    throw HttpError(bhttp::status::bad_request, "too many events: " + std::to_string(events.size()) + " (the limit is " +
                                                    std::to_string(max_batch_events_) + " per request)");
  }
  track(request, events, field_or_null(body, "identity"), true, std::move(later), [&request](const Outcome& outcome) {
    json rejected = json::array();
    for (const auto& [index, problem] : outcome.rejected) rejected.push_back({{"index", index}, {"error", problem.message}});
    return json_response(request, bhttp::status::ok, {{"accepted", outcome.accepted}, {"rejected", rejected}});
  });
}

void TrackHandler::track(const Request& request, const json& events, const json& batch_identity, bool is_batch, Later later,
                         Answer answer) {
  const std::vector<IdentityRule> rules = identity_rules(request, events, batch_identity);
  if (strict_) refuse_unknown_events(events, is_batch);
  metrics_.batch_received(events.size());
  Outcome outcome;
  std::vector<TrackRequest> requests;
  std::vector<std::size_t> indexes;  // the request index of each TrackRequest
  for (std::size_t index = 0; index < events.size(); ++index) {
    auto parsed = track_request_from(events[index], rules[index]);
    if (auto* problem = std::get_if<EventProblem>(&parsed)) {
      outcome.rejected.emplace_back(index, std::move(*problem));
      continue;
    }
    requests.push_back(std::move(std::get<TrackRequest>(parsed)));
    indexes.push_back(index);
  }
  commit(std::move(requests), std::move(indexes), std::move(outcome), std::move(later), std::move(answer));
}

// Every token is checked before anything is counted: one forged token refuses the whole request.
std::vector<IdentityRule> TrackHandler::identity_rules(const Request& request, const json& events, const json& batch_identity) const {
  const bool server_caller = access_.is_server_caller(request);
  const std::int64_t now_seconds = tracker_.now_ms() / 1000;
  std::vector<IdentityRule> rules;
  for (const auto& event : events) {
    const json& own = event.is_object() ? field_or_null(event, "identity") : batch_identity;
    rules.push_back(access_.rule_for(server_caller, own.is_null() ? batch_identity : own, now_seconds));
  }
  return rules;
}

void TrackHandler::refuse_unknown_events(const json& events, bool is_batch) const {
  for (std::size_t index = 0; index < events.size(); ++index) {
    const json& name = events[index].is_object() ? field_or_null(events[index], "event") : json();
    if (name.is_string() && !tracker_.definitions().find_event(name.get<std::string>())) {
      const std::string where = is_batch ? "events[" + std::to_string(index) + "]: " : "";
      throw HttpError(bhttp::status::unprocessable_entity, where + "unknown event '" + name.get<std::string>() + "': it has no definition");
    }
  }
}

// The store's thread, which calls back, only hands the outcome to `later`: `answer` runs where the
// session writes. StoreUnavailable (nothing counted) is rethrown there, to be answered as 503.
void TrackHandler::commit(std::vector<TrackRequest> requests, std::vector<std::size_t> indexes, Outcome outcome, Later later,
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

TrackHandler::Outcome TrackHandler::merged(BatchOutcome tracked, const std::vector<std::size_t>& indexes, Outcome outcome) {
  outcome.accepted = tracked.accepted;
  for (const auto& [position, error] : tracked.rejected) outcome.rejected.emplace_back(indexes[position], problem_from(error));
  std::sort(outcome.rejected.begin(), outcome.rejected.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> reasons;
  for (const auto& [index, problem] : outcome.rejected) reasons.push_back(problem.reason);
  metrics_.events_counted(outcome.accepted, reasons);
  return outcome;
}

}  // namespace ie::http
