// internal-events: the one command of the project. Dispatches to a subcommand; every usage error
// and failure is one line on stderr with a non-zero exit code.
#include <exception>
#include <functional>
#include <iostream>
#include <map>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/did_you_mean.hpp"
#include "native/log.hpp"

namespace {

using Command = std::function<int(const ie::cli::CommandArgs&)>;

struct CommandEntry {
  Command run;
  const char* summary;
};

const std::map<std::string, CommandEntry>& command_table() {
  static const std::map<std::string, CommandEntry> table = {
      {"definitions", {ie::cli::run_definitions, "check, bundle, create (new) or type (types) event and metric definitions"}},
      {"keys", {ie::cli::run_keys, "print every counter key one tracked event writes"}},
      {"hll", {ie::cli::run_hll, "build and count Redis-compatible HyperLogLogs"}},
      {"serve", {ie::cli::run_serve, "receive events over HTTP and answer metric reads"}},
      {"token", {ie::cli::run_token, "sign an identity token (HS256 JWT) for the receiver"}},
      {"export", {ie::cli::run_export, "print a store's counters as Redis commands for redis-cli --pipe"}},
      {"copy", {ie::cli::run_copy, "copy a store's counters and event ids into another store"}},
      {"track", {ie::cli::run_track, "track one event into a store, as the backend API does"}},
      {"metrics", {ie::cli::run_metrics, "the service-ping report: every metric's value"}},
      {"monitor", {ie::cli::run_monitor, "watch a receiver's events and the metrics they move, live"}},
      {"outbox", {ie::cli::run_outbox, "the Snowplow outbox: its depth, its dead letters, and requeuing them"}},
  };
  return table;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : command_table()) names.push_back(name);
  return names;
}

void print_usage(std::ostream& out) {
  out << "usage: internal-events COMMAND [OPTIONS]   (internal-events COMMAND --help for details)\n\ncommands:\n";
  for (const auto& [name, entry] : command_table()) out << "  " << name << std::string(14 - name.size(), ' ') << entry.summary << '\n';
  out << "\nEvery option can also be set with an environment variable: --store is INTERNAL_EVENTS_STORE.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const ie::cli::CommandArgs args(argv + 1, argv + argc);
  if (args.empty()) {  // a script that lost its command must not carry on as if it had run one
    print_usage(std::cerr);
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (args[0] == "--version") {
    std::cout << "internal-events " << INTERNAL_EVENTS_VERSION << '\n';
    return 0;
  }
  const auto command = command_table().find(args[0]);
  if (command == command_table().end()) {
    std::cerr << "internal-events: unknown command '" << args[0] << "'" << ie::cli::did_you_mean(args[0], command_names()) << " (try --help)\n";
    return 2;
  }
  try {
    return command->second.run(ie::cli::CommandArgs(args.begin() + 1, args.end()));
  } catch (const ie::cli::UsageError& error) {
    std::cerr << "internal-events " << args[0] << ": " << error.what() << " (try --help)\n";
    return 2;
  } catch (const std::exception& error) {
    // A receiver logging JSON ends with a JSON line too: a log shipper reads every line it wrote.
    if (ie::log::format() == ie::log::Format::json) ie::log::error(args[0] + ": " + error.what());
    else std::cerr << "internal-events " << args[0] << ": " << error.what() << '\n';
    return 1;
  }
}
