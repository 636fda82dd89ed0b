#pragma once
// DEMO ONLY: GET /-/demo/token?user=N answers an identity token for demo user N (1-5), signed with
// the receiver's own identity secret, to anyone who asks. It exists so that the web demo
// (scripts/run.sh, `serve --demo-tokens`) can switch between users the way a real application's
// backend would mint tokens from its sessions. A production receiver must never enable it: it
// would let any visitor claim to be those users. It mints for users 1-5 only, for ten minutes.
#include <cstdint>
#include <string>

#include "native/http/message.hpp"
#include "native/http/target.hpp"

namespace ie::http {

inline constexpr std::int64_t kDemoUsers = 5;
inline constexpr std::int64_t kDemoTokenLifetimeSeconds = 600;

class DemoTokens {
 public:
  explicit DemoTokens(std::string identity_secret) : secret_(std::move(identity_secret)) {}

  // 200 text/plain with the token; HttpError 400 when `user` is not one of the demo users.
  Response answer(const Request& request, const Target& target, std::int64_t now_seconds) const;

 private:
  std::string secret_;
};

}  // namespace ie::http
