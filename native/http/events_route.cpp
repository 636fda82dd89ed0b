#include "native/http/events_route.hpp"

#include "core/live_event.hpp"

namespace ie::http {

Response EventsRoute::open(Incoming& incoming, const Target& target) {
  const Request& request = incoming.message;
  access_.require_reader(request, target.param("token"));
  Response response{bhttp::status::ok, request.version()};
  response.set(bhttp::field::content_type, "text/event-stream; charset=utf-8");
  response.set(bhttp::field::cache_control, "no-store");
  response.set("X-Accel-Buffering", "no");  // a proxy in front (nginx) passes each message on at once
  // The stream ends when either side closes it: it has no length.
  response.keep_alive(false);
  response.body() = ": connected\n\n";
  if (request.method() == bhttp::verb::get) incoming.stream = stream_.listen(event_filter_of(target.param("event").value_or("")));
  return response;
}

}  // namespace ie::http
