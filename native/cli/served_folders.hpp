#pragma once
// The folders serve publishes: --static at / and the browser bundle (--assets) at /internal-events/.
#include <filesystem>
#include <iosfwd>

#include "native/http/receiver_config.hpp"

namespace ie::cli {

// The bundle the build put beside this binary: build/web for build/native/internal-events, found
// from the executable's own path so that serve finds it from any working folder.
std::filesystem::path bundled_assets_dir();

// One start-up line per folder: what it serves, or that it is missing (and so nothing is served there).
void announce_served_folders(std::ostream& out, const http::ReceiverConfig& config);

}  // namespace ie::cli
