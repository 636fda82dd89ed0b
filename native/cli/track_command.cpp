// internal-events track EVENT [--user ID] [--project ID] [--namespace ID] [--property k=v]...
#include <iostream>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/cli/event_check.hpp"
#include "native/tracker.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events track EVENT [--user ID] [--project ID] [--namespace ID] [--property k=v]...
                            [--store URL] [--definitions DIR] [--date YYYY-MM-DD]

Tracks one event from the command line, exactly as the backend API does, in strict mode: an
invalid event is an error naming the field, and nothing is counted.

  --user, --project, --namespace ID   the identifiers (integers)
  --property k=v                      label=…, property=…, value=N or a custom property; repeatable
  --store URL                         sqlite:PATH (default sqlite:data/internal-events.sqlite3), redis://HOST:PORT[/DB]
                                      or redis-cluster://HOST:PORT[,HOST:PORT…][?wait=N];
                                      a new SQLite file is made only in a folder that exists
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

Fields identifier_fields(const Identifiers& identifiers) {
  Fields fields;
  if (identifiers.user) fields["user"] = *identifiers.user;
  if (identifiers.project) fields["project"] = *identifiers.project;
  if (identifiers.namespace_id) fields["namespace"] = *identifiers.namespace_id;
  return fields;
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
  Definitions definitions = definitions_option(arguments);
  // Checked here, before the store opens, so that a bad event is one error line (the tracker
  // would log it and then throw it) and leaves no store behind.
  checked_event(definitions, {event, identifier_fields(identifiers), Fields(properties)});
  auto store = store_option(arguments, StoreCreation::file);
  TrackerOptions options;
  options.mode = ValidationMode::strict;
  const std::int64_t now_ms = now_ms_option(arguments);
  options.now_ms = [now_ms] { return now_ms; };
  Tracker tracker(std::move(definitions), *store, options);
  tracker.track_event(event, identifiers, properties);
  std::cout << "tracked " << event << " in " << store->describe() << '\n';
  return 0;
}

}  // namespace ie::cli
