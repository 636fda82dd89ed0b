#include "native/http/routes.hpp"

#include <chrono>
#include <type_traits>

#include "native/http/demo_tokens.hpp"
#include "native/http/monitor_metrics_route.hpp"
#include "native/http/responses.hpp"
#include "native/log.hpp"

namespace ie::http {

namespace {

// Milliseconds as seconds, to the millisecond: a window squeezed by a tiny cap may be under one.
std::string seconds_text(std::int64_t ms) {
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000) text += '.' + std::to_string(1000 + ms % 1000).substr(1);
  return text;
}

using Clock = std::chrono::steady_clock;

// A key nobody writes: reading it proves the store answers without changing anything.
constexpr const char* kReadinessProbeKey = "{event_counters}_internal_events_readiness_probe";

}  // namespace

Routes::Routes(Tracker& tracker, const ReceiverConfig& config, const snowplow::Emitter* emitter)
    : tracker_(tracker),
      emitter_(emitter),
      max_body_bytes_(config.max_body_bytes),
      access_(config.identity_secret, config.api_token),
      cors_(config.allowed_origins),
      limiter_(config.requests_per_second, config.request_burst),
      files_(config.static_dir, config.assets_dir),
      track_(tracker, access_, metrics_, config.max_batch_events, config.strict),
      snowplow_(tracker, access_, metrics_, config.max_batch_events),
      read_(tracker) {
  const auto pending = [](auto answer) {
    return [answer](Incoming& in, const Target& t, Later& later) -> std::optional<Response> {
      if constexpr (std::is_invocable_v<decltype(answer), const Request&, const Target&, Later>) answer(in.message, t, std::move(later));
      else answer(in.message, std::move(later));
      return std::nullopt;
    };
  };
  routes_ = {
      {"/api/v4/usage_data/track_event", bhttp::verb::post, true,
       pending([this](const Request& r, Later later) { track_.one(r, std::move(later)); })},
      {"/api/v4/usage_data/track_events", bhttp::verb::post, true,
       pending([this](const Request& r, Later later) { track_.batch(r, std::move(later)); })},
      {"/com.snowplowanalytics.snowplow/tp2", bhttp::verb::post, true,
       pending([this](const Request& r, Later later) { snowplow_.post(r, std::move(later)); })},
      {"/i", bhttp::verb::get, true,
       pending([this](const Request& r, const Target& t, Later later) { snowplow_.pixel(r, t, std::move(later)); })},
      {"/api/v4/usage_data/metrics", bhttp::verb::get, true,
       at_once([this](const Request& r, const Target& t) { access_.require_reader(r); return read_.metric(r, t); })},
      {"/api/v4/usage_data/service_ping", bhttp::verb::get, true,
       at_once([this](const Request& r, const Target& t) { access_.require_reader(r); return read_.service_ping(r, t); })},
      {"/-/monitor/metrics", bhttp::verb::get, true,
       at_once([route = MonitorMetricsRoute(tracker, access_)](const Request& r, const Target& t) { return route.answer(r, t); })},
      {"/-/health", bhttp::verb::get, false,
       at_once([](const Request& r, const Target&) { return json_response(r, bhttp::status::ok, {{"status", "ok"}}); })},
      {"/-/readiness", bhttp::verb::get, false, at_once([this](const Request& r, const Target&) { return readiness(r); })},
      {"/-/metrics", bhttp::verb::get, false, at_once([this](const Request& r, const Target&) { return prometheus(r); })},
  };
  if (EventStream* stream = tracker.event_stream()) {
    events_.emplace(*stream, access_);
    routes_.push_back({"/-/events", bhttp::verb::get, false,
                       [this](Incoming& in, const Target& t, Later&) -> std::optional<Response> { return events_->open(in, t); }});
  }
  if (config.demo_tokens && config.identity_secret) {  // demo only: see demo_tokens.hpp
    routes_.push_back({"/-/demo/token", bhttp::verb::get, true,
                       at_once([this, tokens = DemoTokens(*config.identity_secret)](const Request& r, const Target& t) {
                         return tokens.answer(r, t, tracker_.now_ms() / 1000);
                       })});
  }
}

Routes::Answer Routes::at_once(std::function<Response(const Request&, const Target&)> answer) {
  return [answer = std::move(answer)](Incoming& in, const Target& t, Later&) -> std::optional<Response> { return answer(in.message, t); };
}

void Routes::handle(Incoming& incoming, Respond respond) {
  auto exchange = std::make_shared<Exchange>(Exchange{incoming, Clock::now(), "unknown", std::move(respond)});
  if (auto response = dispatch(exchange)) {
    exchange->respond([this, exchange, response = std::move(*response)]() mutable { return finish(*exchange, std::move(response)); });
  }
}

Response Routes::refuse(const Refusal& refusal) {
  Response response = error_response(Request{bhttp::verb::unknown, "", 11}, refusal.status, refusal.message);
  response.keep_alive(false);
  metrics_.request_answered("malformed", response.result_int(), 0);
  return response;
}

Response Routes::finish(const Exchange& exchange, Response response) {
  cors_.decorate(exchange.incoming.message, response);
  // An unread body would be taken for the next request.
  if (exchange.incoming.body_too_large) response.keep_alive(false);
  metrics_.request_answered(exchange.route_label, response.result_int(),
                            std::chrono::duration<double>(Clock::now() - exchange.started).count());
  return response;
}

std::optional<Response> Routes::dispatch(const std::shared_ptr<Exchange>& exchange) {
  const Request& request = exchange->incoming.message;
  try {
    const Target target = parse_target(std::string_view(request.target().data(), request.target().size()));
    const Route* route = find_route(target.path);
    if (route) exchange->route_label = route->path;
    if (exchange->incoming.body_too_large) {
      throw HttpError(bhttp::status::payload_too_large,
                      "the body is larger than the limit of " + std::to_string(max_body_bytes_) + " bytes");
    }
    if (request.method() == bhttp::verb::options) return cors_.preflight(request);
    if (route) return answer_route(*route, exchange, target);
    return answer_unrouted(request, target, exchange->route_label);
  } catch (...) {
    return error_answer(request, std::current_exception());
  }
}

Response Routes::made(const Request& request, const MakeResponse& make) {
  try {
    return make();
  } catch (...) {
    return error_answer(request, std::current_exception());
  }
}

// Every error becomes its {"error": "…"} answer here, whether thrown at once or passed to `later`.
Response Routes::error_answer(const Request& request, std::exception_ptr thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const HttpError& error) {
    return error_response(request, error.status, error.what());
  } catch (const StoreUnavailable& error) {
    return error_response(request, bhttp::status::service_unavailable, std::string("store unavailable: ") + error.what());
  } catch (const std::invalid_argument& error) {  // a question the reader cannot answer, such as a bad unique=
    return error_response(request, bhttp::status::bad_request, error.what());
  } catch (const std::exception& error) {
    log::error(std::string(request.method_string()) + ' ' + std::string(request.target()) + ": " + error.what());
    return error_response(request, bhttp::status::internal_server_error, "internal error");
  }
}

std::optional<Response> Routes::answer_route(const Route& route, const std::shared_ptr<Exchange>& exchange, const Target& target) {
  const Request& request = exchange->incoming.message;
  const bool head_of_get = route.method == bhttp::verb::get && request.method() == bhttp::verb::head;
  if (request.method() != route.method && !head_of_get) {
    Response response = error_response(request, bhttp::status::method_not_allowed,
                                       std::string(request.method_string()) + " is not allowed on " + route.path);
    response.set(bhttp::field::allow, route.method == bhttp::verb::get ? "GET, HEAD, OPTIONS" : "POST, OPTIONS");
    return response;
  }
  if (route.rate_limited && !limiter_.allow(exchange->incoming.client_address, Clock::now())) {
    return error_response(request, bhttp::status::too_many_requests, "too many requests from " + exchange->incoming.client_address);
  }
  Later later = [this, exchange](MakeResponse make) {
    exchange->respond([this, exchange, make = std::move(make)] { return finish(*exchange, made(exchange->incoming.message, make)); });
  };
  std::optional<Response> response = route.answer(exchange->incoming, target, later);
  if (response && head_of_get) response->body().clear();  // Content-Length stays that of the GET answer
  return response;
}

Response Routes::answer_unrouted(const Request& request, const Target& target, std::string_view& route_label) {
  const bool reads = request.method() == bhttp::verb::get || request.method() == bhttp::verb::head;
  if (reads) {
    if (auto file = files_.serve(request, target.path)) {
      route_label = "static";
      return std::move(*file);
    }
  }
  return error_response(request, bhttp::status::not_found, "no route for " + std::string(request.method_string()) + ' ' + target.path);
}

const Routes::Route* Routes::find_route(const std::string& path) const {
  for (const auto& route : routes_) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

Response Routes::readiness(const Request& request) {
  try {
    tracker_.store().sum({kReadinessProbeKey}, tracker_.now_ms());
    return json_response(request, bhttp::status::ok, {{"status", "ready"}});
  } catch (const std::exception& error) {
    return error_response(request, bhttp::status::service_unavailable, std::string("store unavailable: ") + error.what());
  }
}

Response Routes::prometheus(const Request& request) {
  access_.require_reader(request);
  return text_response(request, bhttp::status::ok, metrics_.exposition() + event_problems_text(tracker_.problems().totals()) + snowplow_exposition() + event_id_exposition() + event_stream_exposition(), "text/plain; version=0.0.4; charset=utf-8");
}

// How long a repeated event id is recognised, and what remembering the ids costs this process.
std::string Routes::event_id_exposition() const {
  const CounterStore::EventIdWindow window = tracker_.store().event_id_window(tracker_.now_ms());
  return "# HELP internal_events_event_id_window_seconds How long a repeated event id is recognised: 7 days, "
         "less once --dedupe-memory-max is full.\n"
         "# TYPE internal_events_event_id_window_seconds gauge\n"
         "internal_events_event_id_window_seconds " + seconds_text(window.window_ms) + "\n"
         "# HELP internal_events_event_id_memory_bytes Memory the remembered event ids take in this process.\n"
         "# TYPE internal_events_event_id_memory_bytes gauge\n"
         "internal_events_event_id_memory_bytes " + std::to_string(window.memory_bytes) + "\n";
}

// Who listens to GET /-/events, and how many messages it has published.
std::string Routes::event_stream_exposition() const {
  EventStream* stream = tracker_.event_stream();
  if (!stream) return {};
  return "# HELP internal_events_event_stream_listeners Open GET /-/events streams.\n"
         "# TYPE internal_events_event_stream_listeners gauge\n"
         "internal_events_event_stream_listeners " + std::to_string(stream->listener_count()) + "\n"
         "# HELP internal_events_event_stream_messages_total Events published to the listeners of GET /-/events.\n"
         "# TYPE internal_events_event_stream_messages_total counter\n"
         "internal_events_event_stream_messages_total " + std::to_string(stream->published_total()) + "\n";
}

// The outbox as the store has it now (every receiver's), and what this receiver's emitter did.
std::string Routes::snowplow_exposition() const {
  if (!tracker_.snowplow_copies()) return {};
  std::string out;
  const auto gauge = [&](const char* name, const char* help, const std::string& value) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" gauge\n");
    out.append(name).append(" ").append(value).append("\n");
  };
  try {
    const std::int64_t now_ms = tracker_.now_ms();
    const OutboxStatus status = tracker_.store().outbox().status(now_ms);
    gauge("internal_events_outbox_depth", "Snowplow copies waiting in the outbox for the collector.", std::to_string(status.depth));
    const double age = status.oldest_queued_at_ms ? static_cast<double>(now_ms - *status.oldest_queued_at_ms) / 1000 : 0;
    gauge("internal_events_outbox_oldest_age_seconds", "Age of the oldest waiting Snowplow copy (0 when none waits).", std::to_string(age));
    gauge("internal_events_outbox_dead_letters", "Snowplow copies the collector refused, kept as dead letters.", std::to_string(status.dead_letters));
  } catch (const std::exception&) {
    // The store is down: /-/readiness says so; the counters below are still this process's own.
  }
  out.append("# HELP internal_events_outbox_dropped_total Snowplow copies dropped because the outbox was full.\n"
             "# TYPE internal_events_outbox_dropped_total counter\n"
             "internal_events_outbox_dropped_total ")
      .append(std::to_string(tracker_.snowplow_dropped_total()))
      .append("\n");
  if (emitter_) out += emitter_->prometheus_text();
  return out;
}

}  // namespace ie::http
