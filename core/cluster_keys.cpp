#include "core/cluster_keys.hpp"

#include <array>

namespace ie {

namespace {

constexpr std::array<std::string_view, 3> kSlotWords = {"hll_counters", "event_counters", "event_sums"};

std::string_view hash_tag(std::string_view key) {
  const auto open = key.find('{');
  if (open == std::string_view::npos) return key;
  const auto close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;  // no '}', or "{}": the whole key
  return key.substr(open + 1, close - open - 1);
}

}  // namespace

std::uint16_t crc16_xmodem(std::string_view bytes) {
  std::uint16_t crc = 0;
  for (const char byte : bytes) {
    crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(byte) << 8);
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
  }
  return crc;
}

std::uint16_t key_slot(std::string_view key) { return crc16_xmodem(hash_tag(key)) % kClusterSlots; }

std::optional<std::string> cluster_counter_key(std::string_view gitlab_key) {
  for (const std::string_view word : kSlotWords) {
    if (gitlab_key.size() <= word.size() + 3 || gitlab_key[0] != '{' || gitlab_key.substr(1, word.size()) != word ||
        gitlab_key.substr(word.size() + 1, 2) != "}_") {
      continue;
    }
    const std::string_view path = gitlab_key.substr(word.size() + 3);
    const std::size_t event_end = std::min(path.find('-'), path.size());
    if (event_end == 0) return std::nullopt;
    std::string key;
    key.reserve(gitlab_key.size() + 2);
    key.append(word).append("_{").append(path.substr(0, event_end)).append("}").append(path.substr(event_end));
    return key;
  }
  return std::nullopt;
}

std::optional<std::string> gitlab_counter_key(std::string_view cluster_key) {
  for (const std::string_view word : kSlotWords) {
    if (!cluster_key.starts_with(word) || cluster_key.substr(word.size()).substr(0, 2) != "_{") continue;
    const std::string_view rest = cluster_key.substr(word.size() + 2);
    const std::size_t close = rest.find('}');
    if (close == std::string_view::npos || close == 0) return std::nullopt;
    std::string key;
    key.reserve(cluster_key.size());
    key.append("{").append(word).append("}_").append(rest.substr(0, close)).append(rest.substr(close + 1));
    return key;
  }
  return std::nullopt;
}

std::string cluster_event_id_key(std::string_view event, std::string_view event_id) {
  std::string key = "event_ids_{";
  key.append(event).append("}_").append(event_id);
  return key;
}

std::string cluster_outbox_key(std::string_view event) {
  std::string key = "internal_events:outbox_{";
  return key.append(event).append("}");
}

std::string cluster_dead_letters_key(std::string_view event) {
  std::string key = "internal_events:outbox_dead_{";
  return key.append(event).append("}");
}

}  // namespace ie
