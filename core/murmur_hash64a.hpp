#pragma once
// MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit version) exactly as Redis's hyperloglog.c uses
// it: blocks of 8 bytes read little-endian whatever the machine, so every platform (x86, ARM,
// WebAssembly) hashes a value to the same 64 bits as redis-server does. The seed Redis uses for
// HyperLogLogs is 0xadc83b19.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ie {

inline constexpr std::uint64_t kRedisHllSeed = 0xadc83b19ULL;

namespace murmur_detail {

// Byte by byte, so the result does not depend on the machine's byte order; compilers turn the
// eight-byte case into one load on little-endian machines.
constexpr std::uint64_t load_little_endian(std::string_view bytes, std::size_t from, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[from + i]);
  return value;
}

}  // namespace murmur_detail

constexpr std::uint64_t murmur_hash64a(std::string_view data, std::uint64_t seed = kRedisHllSeed) {
  constexpr std::uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  // Redis passes the length as an int; for any value below 2 GiB that is the same number.
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(data.size()) * m);
  const std::size_t blocks = data.size() / 8;

  for (std::size_t i = 0; i < blocks; ++i) {
    std::uint64_t k = murmur_detail::load_little_endian(data, i * 8, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }

  // The tail: the last 1..7 bytes, also little-endian, mixed in once.
  const int tail = static_cast<int>(data.size() & 7);
  if (tail != 0) {
    h ^= murmur_detail::load_little_endian(data, blocks * 8, tail);
    h *= m;
  }

  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

}  // namespace ie
