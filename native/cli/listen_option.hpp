#pragma once
// serve's --listen HOST:PORT, checked as a usage error before anything resolves it: a port past
// 65535 would otherwise be taken modulo 65536 and the receiver would listen somewhere unexpected.
#include <string>

#include "native/cli/arguments.hpp"

namespace ie::cli {

inline constexpr const char* kDefaultListen = "127.0.0.1:8080";

// --listen (default 127.0.0.1:8080) with its port 1-65535, or 0 for a free one the system picks.
std::string listen_option(const Arguments& args);

}  // namespace ie::cli
