#include <doctest/doctest.h>

#include "core/byte_size.hpp"

using ie::parse_byte_size;

TEST_CASE("sizes are bytes or binary multiples, written without a space") {
  CHECK(parse_byte_size("0") == 0u);
  CHECK(parse_byte_size("1048576") == 1048576u);
  CHECK(parse_byte_size("64k") == 65536u);
  CHECK(parse_byte_size("64KiB") == 65536u);
  CHECK(parse_byte_size("512M") == 512u << 20);
  CHECK(parse_byte_size("512MiB") == 512u << 20);
  CHECK(parse_byte_size("2GiB") == std::uint64_t{2} << 30);
  CHECK(parse_byte_size("3T") == std::uint64_t{3} << 40);
  CHECK(parse_byte_size("16777215TiB") == std::uint64_t{16777215} << 40);
}

TEST_CASE("anything else is refused, overflow included") {
  for (const char* text : {"", "MiB", "-1", "1.5G", "512 MiB", "512mb", "512MB", "1e9", "0x10", "16777216TiB",
                           "18446744073709551616"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_byte_size(text).has_value());
  }
}
