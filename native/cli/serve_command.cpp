// internal-events serve: the HTTP receiver.
#include <charconv>
#include <iostream>
#include <thread>

#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/http/identity.hpp"
#include "native/http/routes.hpp"
#include "native/http/server.hpp"
#include "native/tracker.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events serve [--listen HOST:PORT] [--definitions DIR] [--store URL] [--static DIR] [--assets DIR]
                            [--collector URL] [--identity-secret-file FILE] [--api-token-file FILE] [--strict]
                            [--allowed-origins A,B] [--max-body-bytes N] [--max-batch-events N]
                            [--rate-limit PER_SECOND] [--rate-burst N] [--idle-timeout SECONDS]

Receives events over HTTP (/api/v4/usage_data/…), counts them in the store, and answers metric reads.

  --listen HOST:PORT            where to listen (default 127.0.0.1:8080; port 0 picks a free one)
  --definitions DIR             event and metric definitions (default config)
  --store URL                   sqlite:PATH (default sqlite:data/internal-events.sqlite3) or redis://HOST:PORT[/DB]
  --static DIR                  a site served at /
  --assets DIR                  the browser bundle served at /internal-events/ (default build/web)
  --collector URL               Snowplow collector to forward events to
  --identity-secret-file FILE   HS256 secret: user ids then come only from signed identity tokens
  --api-token-file FILE         token for server-to-server callers and for reads
  --strict                      an unknown event is a 422 for the whole request
  --allowed-origins A,B         origins allowed by CORS ("*" for any)
  --max-body-bytes N            larger bodies are refused with 413 (default 1048576)
  --max-batch-events N          longer batches are refused with 400 (default 1000)
  --rate-limit PER_SECOND       requests per second per client address (default 500; 0 = off)
  --rate-burst N                requests a client may send at once (default 2000)
  --idle-timeout SECONDS        a connection idle, or stalled mid-request, this long is closed (default 30)
)";

std::size_t size_option(const Arguments& args, const std::string& name, std::size_t fallback, std::size_t minimum = 1) {
  const auto text = args.option(name);
  if (!text) return fallback;
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < minimum) {
    throw UsageError("--" + name + " " + *text + " must be a whole number of at least " + std::to_string(minimum));
  }
  return value;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::optional<std::string> secret_option(const Arguments& args, const std::string& name) {
  const auto file = args.option(name);
  if (!file) return std::nullopt;
  return http::read_secret_file(*file);
}

http::ReceiverConfig receiver_config(const Arguments& args) {
  http::ReceiverConfig config;
  config.max_body_bytes = size_option(args, "max-body-bytes", config.max_body_bytes);
  config.max_batch_events = size_option(args, "max-batch-events", config.max_batch_events);
  config.strict = args.flag("strict");
  config.allowed_origins = comma_list(args.option_or("allowed-origins", ""));
  config.identity_secret = secret_option(args, "identity-secret-file");
  config.api_token = secret_option(args, "api-token-file");
  if (const auto dir = args.option("static")) config.static_dir = *dir;
  config.assets_dir = args.option_or("assets", "build/web");
  config.requests_per_second = static_cast<double>(size_option(args, "rate-limit", static_cast<std::size_t>(config.requests_per_second), 0));
  config.request_burst = static_cast<double>(size_option(args, "rate-burst", static_cast<std::size_t>(config.request_burst)));
  config.idle_timeout = std::chrono::seconds(size_option(args, "idle-timeout", static_cast<std::size_t>(config.idle_timeout.count())));
  return config;
}

void announce(const Arguments& args, const CounterStore& store, const Definitions& definitions, const http::ReceiverConfig& config) {
  std::cout << "store: " << store.describe() << '\n';
  std::cout << "definitions: " << args.option_or("definitions", kDefaultDefinitions) << " (" << definitions.events.size()
            << " events, " << definitions.metrics.size() << " metrics)\n";
  if (!config.identity_secret) {
    std::cout << "warning: no --identity-secret-file: user_id, project_id and namespace_id are taken from request bodies as "
                 "they are (fine for local development only)\n";
  }
  if (const auto collector = args.option("collector")) std::cout << "Snowplow forwarding: not yet implemented (--collector " << *collector << " is ignored)\n";
}

}  // namespace

int run_serve(const CommandArgs& args) {
  const Arguments arguments(args, {"strict"});
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"listen", "definitions", "store", "static", "assets", "collector", "identity-secret-file",
                        "api-token-file", "strict", "allowed-origins", "max-body-bytes", "max-batch-events", "rate-limit",
                        "rate-burst", "idle-timeout"});
  const http::ReceiverConfig config = receiver_config(arguments);
  const auto endpoint = http::resolve_listen_address(arguments.option_or("listen", "127.0.0.1:8080"));
  const auto store = open_store(arguments.option_or("store", kDefaultStoreUrl));
  Tracker tracker(definitions_option(arguments), *store);
  http::Routes routes(tracker, config);
  http::Server server(routes, endpoint, config, std::max(1u, std::thread::hardware_concurrency()));

  announce(arguments, *store, tracker.definitions(), config);
  const auto local = server.local_endpoint();
  const std::string host = local.address().is_v6() ? '[' + local.address().to_string() + ']' : local.address().to_string();
  std::cout << "listening on http://" << host << ':' << local.port() << std::endl;
  server.run();
  std::cout << "stopped: every answered request is committed" << std::endl;
  return 0;
}

}  // namespace ie::cli
