#pragma once
// Everything `serve` configures about how requests are answered (not where the server listens).
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ie::http {

struct ReceiverConfig {
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_batch_events = 1000;
  bool strict = false;  // unknown events are a 422 for the whole request instead of a rejected entry
  std::vector<std::string> allowed_origins;
  std::optional<std::string> identity_secret;  // set: user ids only from signed tokens
  std::optional<std::string> api_token;        // set: reads need it; it may set user_id directly
  bool demo_tokens = false;  // GET /-/demo/token mints tokens for demo users: the web demo only, never production
  std::optional<std::filesystem::path> static_dir;
  std::optional<std::filesystem::path> assets_dir;
  double requests_per_second = 500;  // per client address; 0 turns the limit off
  double request_burst = 2000;
  std::chrono::seconds idle_timeout{30};
  std::size_t max_connections = 10000;  // open at once; more are answered 503 and closed  // a connection idle, or stalled mid-request, this long is closed
};

}  // namespace ie::http
