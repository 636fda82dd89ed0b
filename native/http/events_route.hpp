#pragma once
// GET /-/events: the live event stream (DESIGN.md "Live event stream"; the messages are
// core/live_event.hpp's). Reading it needs the api token when one is configured, as the other
// reads do; a browser's EventSource cannot set headers, so `?token=` is accepted too. `?event=a,b`
// keeps only those events.
//
// The answer is a head without a length and the stream's first comment; the session then keeps
// the connection and writes what the listener it finds in Incoming::stream receives.
#include "native/event_stream/event_stream.hpp"
#include "native/http/access.hpp"
#include "native/http/message.hpp"
#include "native/http/target.hpp"

namespace ie::http {

class EventsRoute {
 public:
  EventsRoute(EventStream& stream, const Access& access) : stream_(stream), access_(access) {}

  Response open(Incoming& incoming, const Target& target);

 private:
  EventStream& stream_;
  const Access& access_;
};

}  // namespace ie::http
