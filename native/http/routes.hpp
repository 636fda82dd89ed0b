#pragma once
// The one place that maps a request to a response (Beast's advanced_server keeps this in
// handle_request): the route table, the order of the checks every request goes through, and the
// translation of errors into {"error": "…"} answers. Sessions only move bytes.
#include <functional>
#include <string>
#include <vector>

#include "native/http/access.hpp"
#include "native/http/cors.hpp"
#include "native/http/message.hpp"
#include "native/http/prometheus.hpp"
#include "native/http/rate_limiter.hpp"
#include "native/http/read_handler.hpp"
#include "native/http/receiver_config.hpp"
#include "native/http/static_files.hpp"
#include "native/http/target.hpp"
#include "native/http/track_handler.hpp"

namespace ie::http {

class Routes {
 public:
  Routes(Tracker& tracker, const ReceiverConfig& config);

  // Safe to call from many threads at once.
  Response handle(const Incoming& incoming);

 private:
  using Answer = std::function<Response(const Request&, const Target&)>;
  struct Route {
    std::string path;
    bhttp::verb method;
    bool rate_limited;
    Answer answer;
  };

  Response dispatch(const Incoming& incoming, std::string& route_label);
  Response answer_route(const Route& route, const Incoming& incoming, const Target& target);
  Response answer_unrouted(const Request& request, const Target& target, std::string& route_label);
  Response readiness(const Request& request);
  Response prometheus(const Request& request);
  const Route* find_route(const std::string& path) const;

  Tracker& tracker_;
  std::size_t max_body_bytes_;
  Access access_;
  ReceiverMetrics metrics_;
  Cors cors_;
  RateLimiter limiter_;
  StaticFiles files_;
  TrackHandler track_;
  ReadHandler read_;
  std::vector<Route> routes_;
};

}  // namespace ie::http
