#pragma once
// Who may do what. Without an identity secret (local development) body identifiers are trusted.
// With one, a user id comes only from a verified token, except for server-to-server callers that
// present the api token. Reads need the api token whenever one is configured. A token sent to a
// receiver without a secret cannot be verified and is ignored.
#include <optional>
#include <string>

#include "native/http/event_body.hpp"
#include "native/http/identity.hpp"
#include "native/http/json_reader.hpp"
#include "native/http/message.hpp"

namespace ie::http {

class Access {
 public:
  Access(const std::optional<std::string>& identity_secret, std::optional<std::string> api_token);

  // True for a caller with the right api token; HttpError 401 for a wrong one.
  bool is_server_caller(const Request& request) const;

  // HttpError 401 unless the api token is configured and presented, or not configured at all.
  void require_reader(const Request& request) const;
  // The same for a client that cannot set headers (a browser's EventSource): `query_token`, when
  // given, stands in for the header.
  void require_reader(const Request& request, const std::optional<std::string>& query_token) const;

  // The identity rule for one event; `token` is its `identity` field (nullptr when absent). HttpError
  // 401 for a forged, malformed or expired token.
  IdentityRule rule_for(bool server_caller, const JsonValue* token, std::int64_t now_seconds) const;

 private:
  std::optional<std::string> bearer_token(const Request& request) const;

  std::optional<IdentityVerifier> verifier_;
  std::optional<std::string> api_token_;
};

}  // namespace ie::http
