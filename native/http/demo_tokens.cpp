#include "native/http/demo_tokens.hpp"

#include <charconv>

#include "native/http/identity.hpp"
#include "native/http/responses.hpp"

namespace ie::http {

namespace {

std::int64_t demo_user(const Target& target) {
  const auto text = target.param("user").value_or("");
  std::int64_t user = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), user);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || user < 1 || user > kDemoUsers) {
    throw HttpError(bhttp::status::bad_request,
                    "user=" + text + " is not a demo user: /-/demo/token mints tokens for users 1 to " + std::to_string(kDemoUsers) + " only");
  }
  return user;
}

}  // namespace

Response DemoTokens::answer(const Request& request, const Target& target, std::int64_t now_seconds) const {
  const IdentityClaims claims{demo_user(target), std::nullopt, std::nullopt, now_seconds + kDemoTokenLifetimeSeconds};
  Response response = text_response(request, bhttp::status::ok, sign_identity(secret_, claims), "text/plain; charset=utf-8");
  response.set(bhttp::field::cache_control, "no-store");  // a token is a credential, and it expires
  return response;
}

}  // namespace ie::http
