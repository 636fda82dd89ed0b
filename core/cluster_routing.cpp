#include "core/cluster_routing.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/cluster_keys.hpp"

namespace ie {

namespace {

// Error replies Redis gives before it runs anything; trying again later may work.
constexpr std::array<std::string_view, 8> kRefusals = {"TRYAGAIN", "CLUSTERDOWN", "LOADING", "MASTERDOWN",
                                                       "READONLY", "BUSY",        "MISCONF", "NOREPLICAS"};

bool starts_with_word(std::string_view text, std::string_view word) {
  return text.starts_with(word) && (text.size() == word.size() || text[word.size()] == ' ');
}

template <typename Number>
bool parse_number(std::string_view text, Number& number) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return error == std::errc() && end == text.data() + text.size();
}

// "MOVED 3999 127.0.0.1:6381": the slot and the node; a bracketed IPv6 host loses its brackets.
ClusterReply redirection(ClusterReplyKind kind, std::string_view rest) {
  const auto space = rest.find(' ');
  const auto colon = rest.rfind(':');
  if (space == std::string_view::npos || colon == std::string_view::npos || colon < space) return {};
  ClusterReply reply{kind, 0, std::string(rest.substr(space + 1, colon - space - 1)), 0};
  if (!parse_number(rest.substr(0, space), reply.slot) || reply.slot >= kClusterSlots) return {};
  if (!parse_number(rest.substr(colon + 1), reply.port) || reply.port < 1 || reply.port > 65535) return {};
  if (reply.host.size() >= 2 && reply.host.front() == '[' && reply.host.back() == ']') reply.host = reply.host.substr(1, reply.host.size() - 2);
  if (reply.host.empty()) return {};
  return reply;
}

}  // namespace

ClusterReply classify_cluster_error(std::string_view error) {
  if (error.starts_with("MOVED ")) return redirection(ClusterReplyKind::moved, error.substr(6));
  if (error.starts_with("ASK ")) return redirection(ClusterReplyKind::ask, error.substr(4));
  const bool refused = std::any_of(kRefusals.begin(), kRefusals.end(), [&](std::string_view word) { return starts_with_word(error, word); });
  ClusterReply reply;
  if (refused) reply.kind = ClusterReplyKind::try_again;
  return reply;
}

std::uint32_t cluster_retry_delay_ms(unsigned attempt, double random) {
  constexpr std::uint32_t kFirst = 50, kMax = 800;
  const unsigned doublings = std::min(attempt == 0 ? 0u : attempt - 1, 4u);
  const std::uint32_t full = std::min(kFirst << doublings, kMax);
  const double jitter = std::clamp(random, 0.0, 1.0) * (full / 2);
  return full / 2 + static_cast<std::uint32_t>(jitter);
}

bool cluster_retry_allowed(std::uint32_t elapsed_ms, std::uint32_t next_delay_ms) {
  return static_cast<std::uint64_t>(elapsed_ms) + next_delay_ms <= kClusterRetryBudgetMs;
}

std::string_view counter_key_event(std::string_view gitlab_key) {
  constexpr std::array<std::string_view, 3> kPrefixes = {"{hll_counters}_", "{event_counters}_", "{event_sums}_"};
  for (const std::string_view prefix : kPrefixes) {
    if (!gitlab_key.starts_with(prefix)) continue;
    const std::string_view path = gitlab_key.substr(prefix.size());
    return path.substr(0, std::min(path.find('-'), path.size()));
  }
  return {};
}

std::string cluster_event_tag(std::string_view first_counter_key, std::string_view event_id) {
  if (const std::string_view event = counter_key_event(first_counter_key); !event.empty()) return std::string(event);
  return "forwarded_" + std::to_string(crc16_xmodem(event_id) % kForwardedTags);
}

}  // namespace ie
