#pragma once
// The one place that maps a request to a response (Beast's advanced_server keeps this in
// handle_request): the route table, the order of the checks every request goes through, and the
// translation of errors into {"error": "…"} answers. Sessions only move bytes.
//
// Most routes answer at once. The tracking routes answer once the store has committed, from the
// store's thread: they are pending meanwhile, and no thread of the server waits for them.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "native/http/access.hpp"
#include "native/http/cors.hpp"
#include "native/http/events_route.hpp"
#include "native/http/message.hpp"
#include "native/http/prometheus.hpp"
#include "native/http/rate_limiter.hpp"
#include "native/http/read_handler.hpp"
#include "native/http/request_refusal.hpp"
#include "native/http/receiver_config.hpp"
#include "native/http/snowplow_handler.hpp"
#include "native/http/static_files.hpp"
#include "native/http/target.hpp"
#include "native/http/track_handler.hpp"
#include "native/snowplow/emitter.hpp"

namespace ie::http {

class Routes {
 public:
  // `emitter`: the one forwarding Snowplow copies, when a collector is set (for /-/metrics).
  Routes(Tracker& tracker, const ReceiverConfig& config, const snowplow::Emitter* emitter = nullptr);

  // Where the answer goes: called exactly once, with what makes it, on this thread before
  // handle() returns or later from any thread. The session runs it on its own thread.
  using Respond = std::function<void(MakeResponse)>;

  // Safe to call from many threads at once. `incoming` must live until `respond` is called; a
  // stream route sets its `stream`.
  void handle(Incoming& incoming, Respond respond);

  // The answer to a request refused before routing (a malformed head), counted under route
  // "malformed"; it closes the connection.
  Response refuse(const Refusal& refusal);

  ReceiverMetrics& metrics() { return metrics_; }

 private:
  // A route's answer, or std::nullopt while it is pending: `later` then receives it.
  using Answer = std::function<std::optional<Response>(Incoming&, const Target&, Later&)>;
  struct Route {
    std::string path;
    bhttp::verb method;
    bool rate_limited;
    Answer answer;
  };
  // One request on its way through: what answering it needs once the answer is known. Shared by
  // handle() and a pending route's `later`.
  struct Exchange {
    Incoming& incoming;
    std::chrono::steady_clock::time_point started;
    std::string_view route_label;  // a route's path, "static" or "unknown": no copy per request
    Respond respond;
  };

  static Answer at_once(std::function<Response(const Request&, const Target&)> answer);
  std::optional<Response> dispatch(const std::shared_ptr<Exchange>& exchange);
  std::optional<Response> answer_route(const Route& route, const std::shared_ptr<Exchange>& exchange, const Target& target);
  Response answer_unrouted(const Request& request, const Target& target, std::string_view& route_label);
  Response finish(const Exchange& exchange, Response response);
  static Response made(const Request& request, const MakeResponse& make);
  static Response error_answer(const Request& request, std::exception_ptr thrown);
  Response readiness(const Request& request);
  Response prometheus(const Request& request);
  std::string snowplow_exposition() const;
  std::string event_id_exposition() const;
  std::string event_stream_exposition() const;
  const Route* find_route(const std::string& path) const;

  Tracker& tracker_;
  const snowplow::Emitter* emitter_;
  std::size_t max_body_bytes_;
  Access access_;
  ReceiverMetrics metrics_;
  Cors cors_;
  RateLimiter limiter_;
  StaticFiles files_;
  TrackHandler track_;
  SnowplowHandler snowplow_;
  ReadHandler read_;
  std::optional<EventsRoute> events_;  // when the tracker publishes to a stream
  std::vector<Route> routes_;
};

}  // namespace ie::http
