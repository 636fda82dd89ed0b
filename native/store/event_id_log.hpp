#pragma once
// How the SQLite store writes event ids down: one row of event_id_log per commit, its ids packed
// in one blob. One appended row a commit, where a row per id in an index would cost a random
// B-tree insert each (see event_id_set.hpp).
//
// Each id starts with a LEB128 header h. An odd h (1) is a UUID in canonical lowercase text, kept
// as its 16 bytes: the browser module's ids, in less than half their text's room, so a batch's
// commit writes fewer pages. An even h is any other id: h / 2 bytes of text follow.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ie::sqlite {

namespace event_id_log_detail {

constexpr std::size_t kUuidLength = 36;
constexpr std::array<std::size_t, 4> kUuidDashes = {8, 13, 18, 23};
constexpr std::string_view kHexDigits = "0123456789abcdef";
// Where each byte's two hex digits start in the text.
constexpr std::array<std::size_t, 16> kByteDigits = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

// A digit's value, or -1 (lowercase only: other text stays text, so it reads back as given).
constexpr std::array<std::int8_t, 256> kHexValues = [] {
  std::array<std::int8_t, 256> values{};
  values.fill(-1);
  for (int digit = 0; digit < 16; ++digit) values[static_cast<unsigned char>(kHexDigits[digit])] = static_cast<std::int8_t>(digit);
  return values;
}();

inline bool is_dash_position(std::size_t at) {
  for (std::size_t dash : kUuidDashes)
    if (at == dash) return true;
  return false;
}

// The 16 bytes of a canonical lowercase UUID; nullopt for any other text. Without a branch per
// digit: it runs for every event id, on the writer's thread.
inline std::optional<std::array<char, 16>> packed_uuid(std::string_view id) {
  if (id.size() != kUuidLength) return std::nullopt;
  for (std::size_t dash : kUuidDashes)
    if (id[dash] != '-') return std::nullopt;
  std::array<char, 16> bytes{};
  int invalid = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = kHexValues[static_cast<unsigned char>(id[kByteDigits[i]])];
    const int low = kHexValues[static_cast<unsigned char>(id[kByteDigits[i] + 1])];
    invalid |= high | low;
    bytes[i] = static_cast<char>((high << 4) | low);
  }
  if (invalid < 0) return std::nullopt;
  return bytes;
}

inline std::string uuid_text(std::string_view bytes) {
  std::string text;
  text.reserve(kUuidLength);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (is_dash_position(text.size())) text += '-';
    const auto byte = static_cast<unsigned char>(bytes[i]);
    text += kHexDigits[byte >> 4];
    text += kHexDigits[byte & 0x0f];
  }
  return text;
}

inline void append_varint(std::string& blob, std::size_t value) {
  do {
    const auto low_bits = static_cast<unsigned char>(value & 0x7f);
    value >>= 7;
    blob.push_back(static_cast<char>(value ? low_bits | 0x80 : low_bits));
  } while (value);
}

[[noreturn]] inline void damaged() { throw std::runtime_error("event_id_log: a damaged row"); }

inline std::size_t read_varint(std::string_view blob, std::size_t& at) {
  std::size_t value = 0;
  for (int shift = 0;; shift += 7) {
    if (at == blob.size() || shift > 56) damaged();
    const auto byte = static_cast<unsigned char>(blob[at++]);
    value |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
}

}  // namespace event_id_log_detail

inline constexpr std::size_t kLoggedUuidBytes = 17;  // a UUID's header byte and its 16 bytes

inline void append_event_id(std::string& blob, std::string_view id) {
  using namespace event_id_log_detail;
  if (const auto uuid = packed_uuid(id)) {
    append_varint(blob, 1);
    blob.append(uuid->data(), uuid->size());
    return;
  }
  append_varint(blob, id.size() * 2);
  blob.append(id);
}

// Calls visit(logged, is_uuid, stored) for each id of a blob: its whole entry, header included (what the
// event-id set fingerprints), whether it is a packed UUID, and the bytes after the header. Throws std::runtime_error on a
// damaged blob.
template <typename Visit>
void for_each_logged_event_id(std::string_view blob, Visit&& visit) {
  using namespace event_id_log_detail;
  std::size_t at = 0;
  while (at < blob.size()) {
    const std::size_t start = at;
    const std::size_t header = read_varint(blob, at);
    const std::size_t length = header % 2 ? 16 : header / 2;
    if (header > 1 && header % 2) damaged();
    if (length > blob.size() - at) damaged();
    at += length;
    visit(blob.substr(start, at - start), header % 2 == 1, blob.substr(at - length, length));
  }
}

// Calls visit(id) for each id of a blob, as the text it was given.
template <typename Visit>
void for_each_event_id(std::string_view blob, Visit&& visit) {
  for_each_logged_event_id(blob, [&](std::string_view, bool is_uuid, std::string_view stored) {
    if (is_uuid) visit(std::string_view(event_id_log_detail::uuid_text(stored)));
    else visit(stored);
  });
}

}  // namespace ie::sqlite
