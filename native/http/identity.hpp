#pragma once
// Who is tracking: a browser cannot be trusted to say which user it is, so when a secret is
// configured the user (and, when present, project and namespace) come from a token the
// application signed: an HS256 JWT with the claims user_id, project_id?, namespace_id? and exp.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

namespace ie::http {

// A token is a short-lived proof of a session (pages fetch a fresh one after a 401): one whose
// exp is further ahead than this is refused, so that a leaked token cannot stand in for a user
// for years. `internal-events token --ttl` refuses to make one.
constexpr std::int64_t kMaxIdentityLifetimeSeconds = 7 * 24 * 3600;

struct IdentityClaims {
  std::int64_t user_id = 0;
  std::optional<std::int64_t> project_id;
  std::optional<std::int64_t> namespace_id;
  std::int64_t expires_at = 0;  // seconds since the epoch
};

// A forged, malformed, expired or too long-lived token (HTTP 401).
struct InvalidIdentity : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class IdentityVerifier {
 public:
  explicit IdentityVerifier(std::string secret) : secret_(std::move(secret)) {}
  IdentityClaims verify(const std::string& token, std::int64_t now_seconds) const;

 private:
  std::string secret_;
};

std::string sign_identity(const std::string& secret, const IdentityClaims& claims);

// A secret or api token kept in a file: its text without surrounding white space; empty is an error.
std::string read_secret_file(const std::filesystem::path& file);

}  // namespace ie::http
