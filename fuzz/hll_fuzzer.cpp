// HyperLogLog strings as Redis stores them (core/hll.cpp), as the Redis stores GET them and
// `internal-events hll` reads them. The first byte says how the rest is used: 0 as the whole
// string, 1 as the opcodes after a sparse header, 2 as the registers after a dense header
// (repeated to the dense length). A string that loads re-encodes to itself, counts, takes more
// values and still encodes a valid string with no register lowered; the union reads the same
// strings as the loader does and counts the same.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/hll.hpp"

using ie::HllCorruptError;
using ie::HyperLogLog;
using ie::HyperLogLogUnion;

namespace {

std::string redis_string(std::string_view input) {
  const int mode = input.empty() ? 0 : static_cast<unsigned char>(input[0]) % 3;
  std::string_view rest = input.empty() ? input : input.substr(1);
  if (mode == 0) return std::string(rest);
  std::string bytes("HYLL", 4);
  bytes += mode == 1 ? '\x01' : '\x00';
  bytes.append(10, '\0');
  bytes += '\x80';  // the cached cardinality is invalid
  if (mode == 1) return bytes + std::string(rest);
  const std::size_t registers = HyperLogLog::kDenseBytes - HyperLogLog::kHeaderBytes;
  for (std::size_t i = 0; i < registers; ++i) bytes += rest.empty() ? '\0' : rest[i % rest.size()];
  return bytes;
}

bool union_loads(const std::string& bytes, HyperLogLogUnion& all) {
  try {
    all.add_redis_bytes(bytes);
    return true;
  } catch (const HllCorruptError&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = redis_string(std::string_view(reinterpret_cast<const char*>(data), size));
  HyperLogLogUnion all;
  const bool union_loaded = union_loads(bytes, all);
  std::optional<HyperLogLog> loaded;
  try {
    loaded = HyperLogLog::from_redis_bytes(bytes);
  } catch (const HllCorruptError& error) {
    if (union_loaded || std::string_view(error.what()).empty()) std::abort();  // the two readers disagree
    return 0;
  }
  HyperLogLog& hll = *loaded;
  if (!union_loaded || hll.to_redis_bytes() != bytes) std::abort();  // not the same string back
  const auto before = hll.registers();
  if (all.count() != hll.estimate()) std::abort();
  const std::uint64_t counted = hll.count();
  // Stored in the header, as PFCOUNT does; 2^63 and above (registers beyond what PFADD writes) set
  // the top bit, which marks the cache invalid, in Redis too.
  if (counted < (std::uint64_t{1} << 63) && hll.cached_count() != counted) std::abort();

  hll.set_sparse_max_bytes(size % 4000);
  for (std::size_t i = 0; i < std::min<std::size_t>(size, 64); ++i) hll.add(std::string_view(reinterpret_cast<const char*>(data) + i, size - i));
  const auto after = hll.registers();
  for (std::size_t i = 0; i < HyperLogLog::kRegisters; ++i) {
    if (after[i] < before[i]) std::abort();  // an add never lowers a register
  }
  const HyperLogLog again = HyperLogLog::from_redis_bytes(hll.to_redis_bytes());  // throws (a finding) when invalid
  if (again.registers() != after) std::abort();
  hll.merge(again);
  if (hll.registers() != after) std::abort();  // merging itself changes nothing
  hll.count();
  return 0;
}
