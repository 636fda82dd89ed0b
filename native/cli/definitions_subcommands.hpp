#pragma once
// The subcommands of `internal-events definitions` beyond check and bundle, each in its own file;
// definitions_command.cpp dispatches to them. Same conventions as commands.hpp.
#include <string>

#include "native/cli/commands.hpp"

namespace ie::cli {

// `definitions check DIR`: every problem on stderr, a summary on stdout; 0 when there is none.
int check_definitions(const std::string& folder);

int run_definitions_new(const CommandArgs& args);    // definitions_new.cpp
int run_definitions_types(const CommandArgs& args);  // definitions_types.cpp

}  // namespace ie::cli
