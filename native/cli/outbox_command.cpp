// internal-events outbox status|dead|retry-dead [--store URL]
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/snowplow/payload.hpp"
#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/wall_clock.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events outbox status|dead|retry-dead [--store URL] [--limit N]

The Snowplow outbox of a store: the copies of tracked events that wait for the collector, and the
dead letters, which the collector refused (400, 401, 403, 410, 413, 422) and which are kept with
its answer rather than sent again and again.

  status       entries waiting, the age of the oldest, dead letters
  dead         the dead letters, one JSON object a line: when, the collector's status and answer, the event
  retry-dead   moves every dead letter back into the outbox (once the collector or the events are fixed)

  --store URL  sqlite:PATH (default sqlite:data/internal-events.sqlite3), redis://HOST:PORT[/DB] or
               redis-cluster://HOST:PORT[,HOST:PORT…]; it must exist
  --limit N    dead: at most this many (default 100)
)";

void print_status(Outbox& outbox) {
  const std::int64_t now_ms = wall_clock_ms();
  const OutboxStatus status = outbox.status(now_ms);
  std::cout << "waiting: " << status.depth << " events\n";
  if (status.oldest_queued_at_ms) {
    std::cout << "oldest: queued " << snowplow::iso_timestamp(*status.oldest_queued_at_ms) << " ("
              << (now_ms - *status.oldest_queued_at_ms) / 1000 << " s ago)\n";
  }
  std::cout << "dead letters: " << status.dead_letters << '\n';
}

void print_dead_letters(Outbox& outbox, std::size_t limit) {
  for (const DeadLetter& letter : outbox.dead_letters(limit)) {
    nlohmann::json event = nlohmann::json::parse(letter.entry.payload, nullptr, false);
    std::cout << nlohmann::json{{"dead_at", snowplow::iso_timestamp(letter.dead_at_ms)},
                                {"queued_at", snowplow::iso_timestamp(letter.entry.queued_at_ms)},
                                {"status", letter.status},
                                {"reason", letter.reason},
                                {"event", event.is_discarded() ? nlohmann::json(letter.entry.payload) : event}}
                     .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
              << '\n';
  }
}

}  // namespace

int run_outbox(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"store", "limit"});
  if (arguments.positionals().size() != 1) throw UsageError("outbox needs one of status, dead, retry-dead");
  const std::string& action = arguments.positionals().front();
  if (action != "status" && action != "dead" && action != "retry-dead") {
    throw UsageError("unknown outbox action '" + action + "': expected status, dead or retry-dead");
  }
  // Even retry-dead: a store that is not there has no dead letters, and a typo must not make one.
  const auto store = store_option(arguments, StoreCreation::nothing);
  if (action == "status") print_status(store->outbox());
  if (action == "dead") print_dead_letters(store->outbox(), std::stoul(arguments.option_or("limit", "100")));
  if (action == "retry-dead") std::cout << "requeued " << store->outbox().retry_dead() << " dead letters\n";
  return 0;
}

}  // namespace ie::cli
