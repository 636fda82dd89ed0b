#pragma once
// The receiver as a Snowplow collector, so that the Snowplow trackers a team already has can send
// to it: POST /com.snowplowanalytics.snowplow/tp2 (a payload_data body) and GET /i (one event in
// the query, answered with a 1×1 GIF). A structured event whose action is a defined internal event
// is counted; every accepted event is forwarded once through the outbox when a collector is set;
// the eid window applies as on the JSON routes, so a tracker's retry changes nothing.
#include "core/snowplow/received_event.hpp"
#include "native/http/access.hpp"
#include "native/http/message.hpp"
#include "native/http/prometheus.hpp"
#include "native/http/target.hpp"
#include "native/tracker.hpp"

namespace ie::http {

class SnowplowHandler {
 public:
  SnowplowHandler(Tracker& tracker, const Access& access, ReceiverMetrics& metrics, std::size_t max_batch_events)
      : tracker_(tracker), access_(access), metrics_(metrics), max_batch_events_(max_batch_events) {}

  // Both throw HttpError 400 naming what is wrong before anything is committed.
  void post(const Request& request, Later later);
  void pixel(const Request& request, const Target& target, Later later);

 private:
  TrackRequest track_request(snowplow::ReceivedEvent event, bool trusted) const;
  void commit(std::vector<TrackRequest> requests, Later later, std::function<Response()> answer);

  Tracker& tracker_;
  const Access& access_;
  ReceiverMetrics& metrics_;
  std::size_t max_batch_events_;
};

}  // namespace ie::http
