#include "native/http/snowplow_handler.hpp"

#include "core/snowplow/received_event.hpp"
#include "native/http/responses.hpp"

namespace ie::http {

namespace {

using json = nlohmann::json;

// The smallest transparent GIF, as collectors answer GET /i.
constexpr unsigned char kPixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
                                    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
                                    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x01, 0x44, 0x00, 0x3b};

[[noreturn]] void bad_request(const std::string& message) { throw HttpError(bhttp::status::bad_request, message); }

json parsed_body(const Request& request) {
  auto parsed = snowplow::parse_payload_body(request.body());
  if (auto* problem = std::get_if<std::string>(&parsed)) bad_request(*problem);
  return std::move(std::get<json>(parsed));
}

snowplow::ReceivedEvent received(std::variant<snowplow::ReceivedEvent, std::string> read, const std::string& where) {
  if (auto* problem = std::get_if<std::string>(&read)) bad_request(where + *problem);
  return std::move(std::get<snowplow::ReceivedEvent>(read));
}

}  // namespace

void SnowplowHandler::post(const Request& request, Later later) {
  auto events = snowplow::payload_data_events(parsed_body(request));
  if (auto* problem = std::get_if<std::string>(&events)) bad_request(*problem);
  const auto& items = std::get<std::vector<json>>(events);
  if (items.size() > max_batch_events_) {
    bad_request("too many events: " + std::to_string(items.size()) + " (the limit is " + std::to_string(max_batch_events_) + " per request)");
  }
  const bool trusted = access_.rule_for(access_.is_server_caller(request), nullptr, 0).trust_body_user;
  std::vector<TrackRequest> requests;
  requests.reserve(items.size());
  for (std::size_t index = 0; index < items.size(); ++index) {
    requests.push_back(track_request(received(snowplow::read_received_event(items[index]), "data[" + std::to_string(index) + "]: "), trusted));
  }
  commit(std::move(requests), std::move(later), [&request] { return text_response(request, bhttp::status::ok, "ok", "text/plain"); });
}

void SnowplowHandler::pixel(const Request& request, const Target& target, Later later) {
  const bool trusted = access_.rule_for(access_.is_server_caller(request), nullptr, 0).trust_body_user;
  std::vector<TrackRequest> requests;
  requests.push_back(track_request(received(snowplow::read_received_event(target.query), ""), trusted));
  commit(std::move(requests), std::move(later), [&request] {
    Response response = text_response(request, bhttp::status::ok, std::string(std::begin(kPixel), std::end(kPixel)), "image/gif");
    response.set(bhttp::field::cache_control, "no-store");
    return response;
  });
}

// A defined internal event is counted; any other event is only forwarded. Its identifiers are its
// gitlab_standard context's, believed only where identifiers are trusted.
TrackRequest SnowplowHandler::track_request(snowplow::ReceivedEvent event, bool trusted) const {
  TrackRequest request;
  request.event_id = event.eid;
  request.origin = snowplow::Origin::tp2;
  request.category = event.category;
  if (const auto* copies = tracker_.snowplow_copies()) {
    const auto& pseudonymizer = copies->pseudonymizer();
    request.forwarded_snowplow_event = snowplow::forwarded_event_json(
        event, {[&](std::int64_t id) { return pseudonymizer.user_id(id); }, [&](std::int64_t id) { return pseudonymizer.global_user_id(id); }});
  }
  request.count = event.structured && tracker_.definitions().find_event(event.structured->name);
  if (request.count) {
    request.input = std::move(*event.structured);
    if (trusted) {
      if (event.claimed_user) request.input.identifiers["user"] = *event.claimed_user;
      if (event.claimed_project) request.input.identifiers["project"] = *event.claimed_project;
      if (event.claimed_namespace) request.input.identifiers["namespace"] = *event.claimed_namespace;
    }
  }
  return request;
}

void SnowplowHandler::commit(std::vector<TrackRequest> requests, Later later, std::function<Response()> answer) {
  metrics_.batch_received(requests.size());
  tracker_.track_events_async(std::move(requests), [this, later = std::move(later), answer = std::move(answer)](std::exception_ptr error,
                                                                                                                   BatchOutcome outcome) {
    later([this, error, outcome = std::move(outcome), answer] {
      if (error) std::rethrow_exception(error);
      std::vector<std::string> reasons;
      for (const auto& [index, problem] : outcome.rejected) reasons.push_back(event_error_kind_name(problem.kind));
      metrics_.events_counted(outcome.accepted, reasons);
      return answer();
    });
  });
}

}  // namespace ie::http
