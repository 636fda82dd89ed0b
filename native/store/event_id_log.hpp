#pragma once
// How the SQLite store writes event ids down: one row of event_id_log per request, its ids packed
// in one blob, each a LEB128 length then the id's bytes. One appended row a request, where a row
// per id in an index would cost a random B-tree insert each (see event_id_set.hpp).
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ie::sqlite {

inline void append_event_id(std::string& blob, std::string_view id) {
  std::size_t length = id.size();
  do {
    const auto low_bits = static_cast<unsigned char>(length & 0x7f);
    length >>= 7;
    blob.push_back(static_cast<char>(length ? low_bits | 0x80 : low_bits));
  } while (length);
  blob.append(id);
}

// Calls visit(id) for each id of a blob; throws std::runtime_error on a damaged one.
template <typename Visit>
void for_each_event_id(std::string_view blob, Visit&& visit) {
  std::size_t at = 0;
  while (at < blob.size()) {
    std::size_t length = 0;
    for (int shift = 0;; shift += 7) {
      if (at == blob.size() || shift > 56) throw std::runtime_error("event_id_log: a damaged row");
      const auto byte = static_cast<unsigned char>(blob[at++]);
      length |= static_cast<std::size_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    if (length > blob.size() - at) throw std::runtime_error("event_id_log: a damaged row");
    visit(blob.substr(at, length));
    at += length;
  }
}

}  // namespace ie::sqlite
