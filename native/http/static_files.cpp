#include "native/http/static_files.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace ie::http {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kAssetsPrefix = "/internal-events/";

std::optional<fs::path> canonical_folder(const std::optional<fs::path>& folder) {
  std::error_code error;
  if (!folder) return std::nullopt;
  auto canonical = fs::canonical(*folder, error);
  if (error) return std::nullopt;
  return canonical;
}

// The file under `root` that `relative` names, if it stays inside `root` once every "..",
// symlink and "." is resolved.
std::optional<fs::path> contained_file(const fs::path& root, const std::string& relative) {
  if (relative.find('\0') != std::string::npos) return std::nullopt;
  std::error_code error;
  fs::path file = fs::weakly_canonical(root / fs::path(relative).relative_path(), error);
  if (error) return std::nullopt;
  if (fs::is_directory(file, error)) file /= "index.html";
  const auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end() || !fs::is_regular_file(file, error)) return std::nullopt;
  return file;
}

std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

StaticFiles::StaticFiles(std::optional<fs::path> site, std::optional<fs::path> assets)
    : site_(canonical_folder(site)), assets_(canonical_folder(assets)) {}

std::string content_type_for(const fs::path& file) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".map", "application/json"}, {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"}, {".txt", "text/plain; charset=utf-8"}, {".yml", "text/yaml; charset=utf-8"},
  };
  const auto found = types.find(file.extension().string());
  return found == types.end() ? "application/octet-stream" : found->second;
}

std::optional<Response> StaticFiles::serve(const Request& request, const std::string& path) const {
  const bool is_asset = path.compare(0, kAssetsPrefix.size(), kAssetsPrefix) == 0;
  const auto& root = is_asset ? assets_ : site_;
  if (!root) return std::nullopt;
  const auto file = contained_file(*root, is_asset ? path.substr(kAssetsPrefix.size()) : path);
  if (!file) return std::nullopt;
  auto bytes = read_file(*file);
  if (!bytes) return std::nullopt;
  Response response{bhttp::status::ok, request.version()};
  response.set(bhttp::field::content_type, content_type_for(*file));
  response.keep_alive(request.keep_alive());
  response.body() = std::move(*bytes);
  response.prepare_payload();
  if (request.method() == bhttp::verb::head) response.body().clear();  // Content-Length stays the file's
  return response;
}

}  // namespace ie::http
