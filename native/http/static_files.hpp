#pragma once
// Files from disk: the site (--static) at / and the browser bundle (--assets) at /internal-events/.
// Nothing outside those folders is ever served, whatever the path says.
#include <filesystem>
#include <optional>
#include <string>

#include "native/http/message.hpp"

namespace ie::http {

class StaticFiles {
 public:
  StaticFiles(std::optional<std::filesystem::path> site, std::optional<std::filesystem::path> assets);

  // The file's answer for GET or HEAD, or nullopt when there is no such file. `path` is decoded.
  std::optional<Response> serve(const Request& request, const std::string& path) const;

 private:
  std::optional<std::filesystem::path> site_;
  std::optional<std::filesystem::path> assets_;
};

// By extension; .wasm is application/wasm so that instantiateStreaming works.
std::string content_type_for(const std::filesystem::path& file);

}  // namespace ie::http
