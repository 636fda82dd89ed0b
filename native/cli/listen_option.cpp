#include "native/cli/listen_option.hpp"

#include <algorithm>
#include <cctype>

namespace ie::cli {

namespace {

constexpr std::size_t kHighestPort = 65535;

bool all_digits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

void check_port(const std::string& listen, const std::string& port) {
  if (!all_digits(port)) throw UsageError("--listen " + listen + ": port '" + port + "' is not a number");
  // Leading zeros aside, more than five digits is out of range whatever they are (and would overflow).
  const std::string digits = port.substr(std::min(port.find_first_not_of('0'), port.size() - 1));
  if (digits.size() > 5 || std::stoul(digits) > kHighestPort) {
    throw UsageError("--listen " + listen + ": port " + port + " is outside 1-65535 (0 picks a free one)");
  }
}

}  // namespace

std::string listen_option(const Arguments& args) {
  const std::string listen = args.option_or("listen", kDefaultListen);
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) throw UsageError("--listen " + listen + " must be HOST:PORT");
  check_port(listen, listen.substr(colon + 1));
  return listen;
}

}  // namespace ie::cli
