// internal-events token: signs an identity token, as the application that embeds the browser
// module does for each page, so that the receiver can trust the user id it carries.
#include <charconv>
#include <iostream>

#include "native/cli/commands.hpp"
#include "native/cli/arguments.hpp"
#include "native/http/identity.hpp"
#include "native/wall_clock.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events token --secret-file FILE --user ID [--project ID] [--namespace ID] [--ttl SECONDS]

Prints an HS256 JWT with the claims user_id, project_id, namespace_id and exp, signed with the
secret in FILE (the receiver's --identity-secret-file). --ttl defaults to 3600 seconds; the
receiver refuses tokens that expire more than 7 days (604800 seconds) ahead, and so does --ttl.
)";

std::int64_t integer_option(const std::string& name, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) throw UsageError("--" + name + " " + text + " must be an integer");
  return value;
}

std::optional<std::int64_t> optional_integer(const Arguments& args, const std::string& name) {
  const auto text = args.option(name);
  if (!text) return std::nullopt;
  return integer_option(name, *text);
}

}  // namespace

int run_token(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"secret-file", "user", "project", "namespace", "ttl"});
  const std::string secret = http::read_secret_file(arguments.required("secret-file"));
  const std::int64_t ttl = optional_integer(arguments, "ttl").value_or(3600);
  if (ttl > http::kMaxIdentityLifetimeSeconds) {
    throw UsageError("--ttl " + std::to_string(ttl) + " is more than the 7 days (604800 seconds) a token may live");
  }
  const http::IdentityClaims claims{integer_option("user", arguments.required("user")), optional_integer(arguments, "project"),
                                    optional_integer(arguments, "namespace"),
                                    wall_clock_ms() / 1000 + ttl};
  std::cout << http::sign_identity(secret, claims) << '\n';
  return 0;
}

}  // namespace ie::cli
