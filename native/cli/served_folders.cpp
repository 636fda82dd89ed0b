#include "native/cli/served_folders.hpp"

#include <ostream>

namespace ie::cli {

namespace fs = std::filesystem;

fs::path bundled_assets_dir() {
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (error) return "build/web";  // no /proc: the bundle of a build run from the repository's root
  return (executable.parent_path() / ".." / "web").lexically_normal();
}

namespace {

void announce_folder(std::ostream& out, const char* route, const char* option, const fs::path& folder) {
  std::error_code error;
  if (fs::is_directory(folder, error)) {
    out << "serving " << route << " from " << folder.string() << '\n';
  } else {
    out << "not serving " << route << ": " << option << ' ' << folder.string() << " is missing\n";
  }
}

}  // namespace

void announce_served_folders(std::ostream& out, const http::ReceiverConfig& config) {
  if (config.static_dir) announce_folder(out, "/", "--static", *config.static_dir);
  if (config.assets_dir) announce_folder(out, "/internal-events/", "--assets", *config.assets_dir);
}

}  // namespace ie::cli
