// internal-events track EVENT [--user ID] [--project ID] [--namespace ID] [--property k=v]...
#include <iostream>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/tracker.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events track EVENT [--user ID] [--project ID] [--namespace ID] [--property k=v]...
                            [--store URL] [--definitions DIR] [--date YYYY-MM-DD]

Tracks one event from the command line, exactly as the backend API does, in strict mode: an
invalid event is an error naming the field, and nothing is counted.

  --user, --project, --namespace ID   the identifiers (integers)
  --property k=v                      label=…, property=…, value=N or a custom property; repeatable
  --store URL                         sqlite:PATH (default sqlite:data/internal-events.sqlite3) or redis://HOST:PORT[/DB]
  --definitions DIR                   definitions folder (default: config)
  --date YYYY-MM-DD                   count the event on that day (default: now)
)";

std::optional<std::int64_t> id_option(const Arguments& args, const std::string& name) {
  const auto text = args.option(name);
  if (!text) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::int64_t id = std::stoll(*text, &used);
    if (used == text->size()) return id;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " " + *text + " is not an integer id");
}

}  // namespace

int run_track(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"user", "project", "namespace", "property", "store", "definitions", "date"});
  if (arguments.positionals().size() != 1) throw UsageError("expected one EVENT");

  const std::string& event = arguments.positionals()[0];
  const Identifiers identifiers{id_option(arguments, "user"), id_option(arguments, "project"), id_option(arguments, "namespace")};
  const auto properties = property_options(arguments);
  auto store = open_store(arguments.option_or("store", kDefaultStoreUrl));
  TrackerOptions options;
  options.mode = ValidationMode::strict;
  const std::int64_t now_ms = now_ms_option(arguments);
  options.now_ms = [now_ms] { return now_ms; };
  Tracker tracker(definitions_option(arguments), *store, options);
  tracker.track_event(event, identifiers, properties);
  std::cout << "tracked " << event << " in " << store->describe() << '\n';
  return 0;
}

}  // namespace ie::cli
