#pragma once
// "Did you mean …?": the known word a mistyped one was most likely meant to be. Pure, so every
// front end (the command line today) suggests the same names for the same typo.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ie {

// Levenshtein distance: the fewest one-character insertions, deletions and substitutions.
std::size_t edit_distance(std::string_view from, std::string_view to);

// How far a word may be from a known one and still be taken for a typo of it: 2 edits, or a
// third of the word's length for longer words (a long event name mistyped twice is still close).
std::size_t typo_allowance(std::string_view typed);

// The known word nearest to `typed` within its allowance; on a tie the first in `known`'s order.
// Nothing when `typed` is itself known or no word is near enough.
std::optional<std::string> closest_known(std::string_view typed, const std::vector<std::string>& known);

}  // namespace ie
