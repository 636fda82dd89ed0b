#pragma once
// Sizes as operators write them: "1048576", "512MiB", "512M", "2GiB", "64k". Binary multiples only
// (a memory cap is set against pages and RAM, which are counted in them); no fractions.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ie {

// nullopt for anything else, and for sizes past 2^64 - 1.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace ie
