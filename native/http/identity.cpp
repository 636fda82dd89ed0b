#include "native/http/identity.hpp"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace ie::http {

namespace {

using JwtPointer = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

const unsigned char* key_bytes(const std::string& secret) { return reinterpret_cast<const unsigned char*>(secret.data()); }

// libjwt reports a missing grant through errno.
std::optional<std::int64_t> integer_claim(jwt_t* token, const char* name) {
  errno = 0;
  const long value = jwt_get_grant_int(token, name);
  if (errno != 0) return std::nullopt;
  return value;
}

JwtPointer decode_verified(const std::string& token, const std::string& secret) {
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), key_bytes(secret), static_cast<int>(secret.size())) != 0 || !raw) {
    throw InvalidIdentity("identity token is malformed or its signature does not match");
  }
  JwtPointer decoded(raw, jwt_free);
  // Only HS256: never let the token choose "none" or another algorithm.
  if (jwt_get_alg(decoded.get()) != JWT_ALG_HS256) throw InvalidIdentity("identity token must be signed with HS256");
  return decoded;
}

void check(int status, const char* what) {
  if (status != 0) throw std::runtime_error(std::string("cannot sign the identity token: ") + what);
}

}  // namespace

IdentityClaims IdentityVerifier::verify(const std::string& token, std::int64_t now_seconds) const {
  const JwtPointer decoded = decode_verified(token, secret_);
  const auto expires_at = integer_claim(decoded.get(), "exp");
  if (!expires_at) throw InvalidIdentity("identity token has no exp claim");
  if (*expires_at <= now_seconds) throw InvalidIdentity("identity token expired");
  if (*expires_at - now_seconds > kMaxIdentityLifetimeSeconds) {
    throw InvalidIdentity("identity token expires more than 7 days ahead: tokens must be short-lived");
  }
  const auto user_id = integer_claim(decoded.get(), "user_id");
  if (!user_id) throw InvalidIdentity("identity token has no integer user_id claim");
  return IdentityClaims{*user_id, integer_claim(decoded.get(), "project_id"), integer_claim(decoded.get(), "namespace_id"),
                        *expires_at};
}

std::string sign_identity(const std::string& secret, const IdentityClaims& claims) {
  jwt_t* raw = nullptr;
  check(jwt_new(&raw), "out of memory");
  const JwtPointer token(raw, jwt_free);
  check(jwt_add_grant_int(token.get(), "user_id", claims.user_id), "user_id");
  if (claims.project_id) check(jwt_add_grant_int(token.get(), "project_id", *claims.project_id), "project_id");
  if (claims.namespace_id) check(jwt_add_grant_int(token.get(), "namespace_id", *claims.namespace_id), "namespace_id");
  check(jwt_add_grant_int(token.get(), "exp", claims.expires_at), "exp");
  check(jwt_set_alg(token.get(), JWT_ALG_HS256, key_bytes(secret), static_cast<int>(secret.size())), "HS256 key");
  const std::unique_ptr<char, decltype(&std::free)> text(jwt_encode_str(token.get()), std::free);
  if (!text) throw std::runtime_error("cannot sign the identity token");
  return text.get();
}

std::string read_secret_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  const auto first = secret.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw std::runtime_error(file.string() + " is empty");
  return secret.substr(first, secret.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace ie::http
