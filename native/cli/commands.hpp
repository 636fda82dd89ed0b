#pragma once
// One function per `internal-events` subcommand. Each takes the arguments after its name,
// writes its result to stdout, and returns the exit code (0 ok, 1 failure, 2 usage).
#include <string>
#include <vector>

namespace ie::cli {

using CommandArgs = std::vector<std::string>;

int run_definitions(const CommandArgs& args);
int run_keys(const CommandArgs& args);
int run_hll(const CommandArgs& args);
int run_serve(const CommandArgs& args);
int run_token(const CommandArgs& args);
int run_export(const CommandArgs& args);
int run_copy(const CommandArgs& args);
int run_track(const CommandArgs& args);
int run_metrics(const CommandArgs& args);
int run_monitor(const CommandArgs& args);
int run_outbox(const CommandArgs& args);

}  // namespace ie::cli
