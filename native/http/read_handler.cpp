#include "native/http/read_handler.hpp"

#include "core/event_read_check.hpp"
#include "native/http/responses.hpp"

namespace ie::http {

namespace {

HttpError bad_request(const std::string& message) { return HttpError(bhttp::status::bad_request, message); }

}  // namespace

Date ReadHandler::read_date(const Target& target) const {
  const auto text = target.param("date");
  if (!text) return utc_date(tracker_.now_ms());
  if (auto date = parse_date(*text)) return *date;
  throw bad_request("date=" + *text + " is not a date (YYYY-MM-DD)");
}

double ReadHandler::event_value(const Target& target, const std::string& event, const Date& date, std::int64_t now_ms) {
  const EventDefinition* definition = tracker_.definitions().find_event(event);
  if (!definition) throw HttpError(bhttp::status::not_found, "unknown event '" + event + "'");
  const auto frame = target.param("time_frame");
  if (!frame) throw bad_request("event= needs time_frame=7d|28d|all|current_week");
  const auto window = parse_read_window(*frame);
  if (!window) throw bad_request("time_frame=" + *frame + " is not one of 7d, 28d, all, current_week");
  const auto unique = target.param("unique");
  if (const auto refusal = refuse_event_read(tracker_.definitions(), *definition, unique, *window)) {
    const bool unknown = refusal->reason == ReadRefusal::Reason::unknown_unique;
    throw HttpError(unknown ? bhttp::status::bad_request : bhttp::status::not_found, refusal->message);
  }
  return reader_.event_value(event, unique, *window, date, now_ms);
}

Response ReadHandler::metric(const Request& request, const Target& target) {
  const Date date = read_date(target);
  const std::int64_t now_ms = tracker_.now_ms();
  if (const auto key_path = target.param("key_path")) {
    const auto value = reader_.value_of(*key_path, date, now_ms);
    if (!value) throw HttpError(bhttp::status::not_found, "unknown metric '" + *key_path + "'");
    return json_response(request, bhttp::status::ok, {{"value", number_json(*value)}});
  }
  if (const auto event = target.param("event")) {
    return json_response(request, bhttp::status::ok, {{"value", number_json(event_value(target, *event, date, now_ms))}});
  }
  throw bad_request("give key_path=… or event=…&time_frame=…");
}

Response ReadHandler::service_ping(const Request& request, const Target& target) {
  return json_response(request, bhttp::status::ok, reader_.service_ping(read_date(target), tracker_.now_ms()));
}

}  // namespace ie::http
