// internal-events serve: the HTTP receiver.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <thread>

#include "core/byte_size.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/cli/listen_option.hpp"
#include "native/cli/served_folders.hpp"
#include "native/http/identity.hpp"
#include "native/http/routes.hpp"
#include "native/http/server.hpp"
#include "native/snowplow/emitter.hpp"
#include "native/snowplow/pseudonymizer.hpp"
#include "native/store/event_id_set.hpp"
#include "native/tracker.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events serve [--listen HOST:PORT] [--definitions DIR] [--store URL] [--create] [--static DIR] [--assets DIR]
                            [--collector URL] [--identity-secret-file FILE] [--api-token-file FILE] [--strict]
                            [--allowed-origins A,B] [--max-body-bytes N] [--max-batch-events N]
                            [--rate-limit PER_SECOND] [--rate-burst N] [--idle-timeout SECONDS] [--max-connections N]
                            [--app-id NAME] [--collector-ca-file FILE] [--collector-batch-bytes N] [--outbox-max-events N]
                            [--collector-timeout SECONDS] [--dedupe-memory-max SIZE] [--log-format text|json] [--demo-tokens]

Receives events over HTTP (/api/v4/usage_data/…, and from Snowplow trackers at
/com.snowplowanalytics.snowplow/tp2 and /i), counts them in the store, answers metric reads, and
forwards a Snowplow copy of every event to --collector through the store's durable outbox.

  --listen HOST:PORT            where to listen (default 127.0.0.1:8080); PORT is 1-65535, or 0 for a
                                free one the system picks (the line "listening on" then names it)
  --definitions DIR             event and metric definitions (default config)
  --store URL                   sqlite:PATH (default sqlite:data/internal-events.sqlite3), redis://HOST:PORT[/DB]
                                or redis-cluster://HOST:PORT[,HOST:PORT…][?wait=N];
                                a new SQLite file is made in an existing folder (the default's data/ is made too)
  --create                      also make the missing folders of --store's SQLite file
  --static DIR                  a site served at /
  --assets DIR                  the browser bundle served at /internal-events/ (default: the web folder beside
                                this binary's folder, as the build lays them out: build/web for build/native)
  --collector URL               Snowplow collector to forward events to: http[s]://HOST[:PORT][/PATH]
                                (events go to PATH/com.snowplowanalytics.snowplow/tp2; none: nothing is queued)
  --collector-ca-file FILE      PEM certificates trusted for an https collector instead of the system's
  --collector-batch-bytes N     most payload bytes per POST to the collector (default 65536)
  --collector-timeout SECONDS   a collector that has not answered this long is retried (default 10)
  --app-id NAME                 the Snowplow aid of forwarded events (default internal-events)
  --outbox-max-events N         past this many waiting copies new ones are dropped and counted (default 10000000)
  --dedupe-memory-max SIZE      memory for the event ids remembered against repeats (default 512MiB: about
                                20 million ids; SIZE in bytes or with k, M, G, KiB, MiB, GiB; at least 1MiB).
                                Past it the oldest ids are forgotten early and the 7-day window shortens
                                (logged once; internal_events_event_id_window_seconds in /-/metrics).
                                The SQLite store only: Redis keeps event ids in Redis with their TTL
  --identity-secret-file FILE   HS256 secret: user ids then come only from signed identity tokens
  --api-token-file FILE         token for server-to-server callers and for reads
  --strict                      an unknown event is a 422 for the whole request
  --allowed-origins A,B         origins allowed by CORS ("*" for any)
  --max-body-bytes N            larger bodies are refused with 413 (default 1048576)
  --max-batch-events N          longer batches are refused with 400 (default 1000)
  --rate-limit PER_SECOND       requests per second per client address (default 500; 0 = off)
  --rate-burst N                requests a client may send at once (default 2000)
  --idle-timeout SECONDS        a connection idle, or stalled mid-request, this long is closed (default 30)
  --max-connections N           connections open at once; a new one past them is answered 503 and closed
                                (default 10000, and never more than the file descriptor limit allows)
  --log-format text|json        log lines on stderr as "TIME LEVEL message" (default text) or as JSON objects
                                {"time","level","message",…} for log shippers; a problem of tracked events is
                                logged the first time per event and reason, then at most once a minute, and
                                every one is counted in /-/metrics (internal_events_event_problems_total)
  --demo-tokens                 DEMO ONLY (scripts/run.sh): GET /-/demo/token?user=1..5 signs an identity token for
                                anyone who asks, so the web demo can switch users; needs --identity-secret-file
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

std::uint64_t byte_size_option(const Arguments& args, const std::string& name, std::uint64_t fallback, std::uint64_t minimum) {
  const auto text = args.option(name);
  if (!text) return fallback;
  const auto value = parse_byte_size(*text);
  if (!value || *value < minimum) {
    throw UsageError("--" + name + " " + *text + " must be a size of at least " + std::to_string(minimum >> 20) +
                     "MiB, in bytes or with k, M, G, KiB, MiB or GiB (512MiB)");
  }
  return *value;
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

// Each connection holds a file descriptor, and the store, the collector and served files need some
// too: these are kept for them. Past the limit accept() would fail and retry at once, in a loop.
constexpr std::size_t kReservedDescriptors = 64;

// --max-connections, within what the descriptor limit allows, which is raised (up to its hard
// limit) to fit it: a default soft limit of 1024 is common and would cap a receiver at ~960.
std::size_t max_connections(const Arguments& args, std::size_t fallback) {
  const std::size_t wanted = size_option(args, "max-connections", fallback);
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return wanted;
  const rlim_t needed = static_cast<rlim_t>(wanted + kReservedDescriptors);
  if (limit.rlim_cur < needed && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  const std::size_t available = limit.rlim_cur > kReservedDescriptors ? limit.rlim_cur - kReservedDescriptors : 1;
  if (wanted <= available) return wanted;
  if (args.option("max-connections")) {
    std::cout << "warning: --max-connections " << wanted << " is more than the file descriptor limit (" << limit.rlim_cur
              << ") allows: at most " << available << " connections\n";
  }
  return available;
}

http::ReceiverConfig receiver_config(const Arguments& args) {
  http::ReceiverConfig config;
  config.max_body_bytes = size_option(args, "max-body-bytes", config.max_body_bytes);
  config.max_batch_events = size_option(args, "max-batch-events", config.max_batch_events);
  config.strict = args.flag("strict");
  config.allowed_origins = comma_list(args.option_or("allowed-origins", ""));
  config.identity_secret = secret_option(args, "identity-secret-file");
  config.api_token = secret_option(args, "api-token-file");
  config.demo_tokens = args.flag("demo-tokens");
  if (config.demo_tokens && !config.identity_secret) throw UsageError("--demo-tokens needs --identity-secret-file: it signs with that secret");
  if (const auto dir = args.option("static")) config.static_dir = *dir;
  config.assets_dir = args.option("assets").value_or(bundled_assets_dir().string());
  config.requests_per_second = static_cast<double>(size_option(args, "rate-limit", static_cast<std::size_t>(config.requests_per_second), 0));
  config.request_burst = static_cast<double>(size_option(args, "rate-burst", static_cast<std::size_t>(config.request_burst)));
  config.idle_timeout = std::chrono::seconds(size_option(args, "idle-timeout", static_cast<std::size_t>(config.idle_timeout.count())));
  config.max_connections = max_connections(args, config.max_connections);
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
  if (config.demo_tokens) {
    std::cout << "warning: --demo-tokens: anyone who can reach /-/demo/token may act as users 1-5 (for the web demo only)\n";
  }
  if (!args.option("collector")) std::cout << "Snowplow forwarding: off (no --collector): no Snowplow copies are queued\n";
  announce_served_folders(std::cout, config);
}

// The store to count in. Its folders are made only when asked (--create), or for the default store
// (data/ on a first run); otherwise a mistyped --store would quietly become a new tree of folders.
std::unique_ptr<CounterStore> serve_store(const Arguments& args) {
  const bool may_create_folders = args.flag("create") || !args.option("store");
  try {
    return store_option(args, may_create_folders ? StoreCreation::file_and_folders : StoreCreation::file);
  } catch (const StoreNotFound& error) {
    throw StoreNotFound(std::string(error.what()) + " (--create makes it)");
  }
}

// The emitter's name in the outbox: unique per process, readable in `outbox` leases and logs.
std::string emitter_owner() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + snowplow::random_uuid().substr(0, 8);
}

std::unique_ptr<snowplow::Emitter> start_emitter(const Arguments& args, CounterStore& store) {
  const auto collector = args.option("collector");
  if (!collector) return nullptr;
  snowplow::CollectorOptions client_options;
  client_options.ca_file = args.option("collector-ca-file");
  client_options.timeout = std::chrono::seconds(size_option(args, "collector-timeout", 10));
  snowplow::EmitterOptions options;
  options.owner = emitter_owner();
  options.batch_bytes = size_option(args, "collector-batch-bytes", options.batch_bytes);
  auto client = std::make_unique<snowplow::CollectorClient>(snowplow::CollectorUrl::parse(*collector), client_options);
  std::cout << "Snowplow forwarding: to " << client->url().describe() << ", through the outbox of " << store.describe() << '\n';
  return std::make_unique<snowplow::Emitter>(store.outbox(), std::move(client), std::move(options));
}

TrackerOptions tracker_options(const Arguments& args) {
  TrackerOptions options;
  if (args.option("collector")) {
    options.snowplow.emplace();
    options.snowplow->app_id = args.option_or("app-id", options.snowplow->app_id);
  }
  return options;
}

}  // namespace

int run_serve(const CommandArgs& args) {
  const Arguments arguments(args, {"strict", "create", "demo-tokens"});
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"listen", "definitions", "store", "create", "static", "assets", "collector", "identity-secret-file",
                        "api-token-file", "strict", "allowed-origins", "max-body-bytes", "max-batch-events", "rate-limit",
                        "rate-burst", "idle-timeout", "max-connections", "app-id", "collector-ca-file", "collector-batch-bytes",
                        "outbox-max-events", "dedupe-memory-max", "collector-timeout", "log-format", "demo-tokens"});
  log::set_format(log_format_option(arguments));  // first: every line after it is in that format
  const http::ReceiverConfig config = receiver_config(arguments);
  const auto endpoint = http::resolve_listen_address(listen_option(arguments));
  if (const auto url = arguments.option("collector")) snowplow::CollectorUrl::parse(*url);  // a bad URL stops us before the store opens
  const auto store = serve_store(arguments);
  store->set_outbox_max_events(size_option(arguments, "outbox-max-events", kDefaultOutboxMaxEvents, 0));
  store->set_event_id_memory_max(byte_size_option(arguments, "dedupe-memory-max", kDefaultEventIdMemoryMax,
                                                  sqlite::EventIdSet::kMinMemoryMax));
  EventStream live_events;
  TrackerOptions options = tracker_options(arguments);
  options.event_stream = &live_events;
  Tracker tracker(definitions_option(arguments), *store, std::move(options));
  const auto emitter = start_emitter(arguments, *store);
  http::Routes routes(tracker, config, emitter.get());
  http::Server server(routes, endpoint, config, std::max(1u, std::thread::hardware_concurrency()));

  announce(arguments, *store, tracker.definitions(), config);
  const auto local = server.local_endpoint();
  const std::string host = local.address().is_v6() ? '[' + local.address().to_string() + ']' : local.address().to_string();
  std::cout << "listening on http://" << host << ':' << local.port() << std::endl;
  server.run();
  if (emitter) emitter->stop();  // what it had in flight stays in the outbox
  tracker.problems().flush();     // the counts of problems not logged since their last line
  std::cout << "stopped: every answered request is committed" << std::endl;
  return 0;
}

}  // namespace ie::cli
