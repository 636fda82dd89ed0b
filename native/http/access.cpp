#include "native/http/access.hpp"

#include "native/http/responses.hpp"

namespace ie::http {

namespace {

// Compares every byte whatever the first difference, so timing does not reveal the token.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

HttpError unauthorized(const std::string& message) { return HttpError(bhttp::status::unauthorized, message); }

}  // namespace

Access::Access(const std::optional<std::string>& identity_secret, std::optional<std::string> api_token)
    : api_token_(std::move(api_token)) {
  if (identity_secret) verifier_.emplace(*identity_secret);
}

std::optional<std::string> Access::bearer_token(const Request& request) const {
  const std::string header(request[bhttp::field::authorization]);
  constexpr std::string_view kScheme = "Bearer ";
  if (header.empty()) return std::nullopt;
  if (header.compare(0, kScheme.size(), kScheme) != 0) throw unauthorized("Authorization must be 'Bearer <api token>'");
  return header.substr(kScheme.size());
}

bool Access::is_server_caller(const Request& request) const {
  const auto presented = bearer_token(request);
  if (!presented) return false;
  if (!api_token_ || !same_secret(*presented, *api_token_)) throw unauthorized("the api token is not valid");
  return true;
}

void Access::require_reader(const Request& request) const {
  if (!api_token_) return;
  if (!is_server_caller(request)) throw unauthorized("reads need 'Authorization: Bearer <api token>'");
}

void Access::require_reader(const Request& request, const std::optional<std::string>& query_token) const {
  if (!api_token_ || !query_token) return require_reader(request);
  if (!same_secret(*query_token, *api_token_)) throw unauthorized("the api token is not valid");
}

IdentityRule Access::rule_for(bool server_caller, const JsonValue* token, std::int64_t now_seconds) const {
  if (!verifier_) return IdentityRule{true, std::nullopt};
  IdentityRule rule{server_caller, std::nullopt};
  if (!token || token->is_null()) return rule;
  if (!token->is_string()) throw unauthorized("identity must be a signed token (a string)");
  try {
    rule.claims = verifier_->verify(std::string(token->string()), now_seconds);
  } catch (const InvalidIdentity& error) {
    throw unauthorized(error.what());
  }
  return rule;
}

}  // namespace ie::http
