// internal-events definitions check DIR | bundle DIR | new [DIR] | types DIR: check and bundle
// here, the others in their own files (definitions_subcommands.hpp).
#include <iostream>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/definitions_subcommands.hpp"
#include "native/definitions_loader.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events definitions check DIR
       internal-events definitions bundle DIR
       internal-events definitions new [DIR] [OPTIONS]
       internal-events definitions types DIR [--lang ts|cpp] [--out FOLDER]

  check   reads DIR/events/**/*.yml and DIR/metrics/**/*.yml (GitLab's format), prints every
          problem as "file: field: message" on stderr and a summary on stdout; exit 1 on any problem
  bundle  prints the JSON the browser module needs: each event's identifiers and properties
  new     asks for a new event and its metrics, as GitLab's generator does, and writes their files
          into DIR (default config); every question also has a flag (definitions new --help)
  types   writes TypeScript declarations and a C++ header that make call sites of DIR's events
          type-checked (definitions types --help)
)";

int bundle(const std::string& folder) {
  std::cout << definitions_bundle(load_definitions(folder)).dump() << '\n';
  return 0;
}

}  // namespace

int check_definitions(const std::string& folder) {
  const LoadedDefinitions loaded = read_definitions(folder);
  for (const auto& error : loaded.errors) std::cerr << error.text() << '\n';
  std::cout << folder << ": " << loaded.definitions.events.size() << " events, " << loaded.definitions.metrics.size()
            << " metrics (from " << loaded.event_files << " event files and " << loaded.metric_files << " metric files";
  if (loaded.ignored_metrics) std::cout << "; " << loaded.ignored_metrics << " metrics of other data sources ignored";
  std::cout << "), " << loaded.errors.size() << (loaded.errors.size() == 1 ? " error" : " errors") << '\n';
  return loaded.errors.empty() ? 0 : 1;
}

int run_definitions(const CommandArgs& args) {
  // new and types take options of their own, so they are told apart before options are read.
  if (!args.empty() && args[0] == "new") return run_definitions_new(CommandArgs(args.begin() + 1, args.end()));
  if (!args.empty() && args[0] == "types") return run_definitions_types(CommandArgs(args.begin() + 1, args.end()));
  const Arguments arguments(args);
  arguments.allow_only({});
  if (printed_help(arguments, kUsage)) return 0;
  const auto& words = arguments.positionals();
  if (words.size() != 2 || (words[0] != "check" && words[0] != "bundle")) throw UsageError("expected `check DIR`, `bundle DIR`, `new [DIR]` or `types DIR`");
  return words[0] == "check" ? check_definitions(words[1]) : bundle(words[1]);
}

}  // namespace ie::cli
