#include "core/suggestion.hpp"

#include <algorithm>
#include <numeric>

namespace ie {

std::size_t edit_distance(std::string_view from, std::string_view to) {
  // One row of the dynamic-programming table at a time: row[j] is the distance from the prefix
  // of `from` read so far to the first j characters of `to`.
  std::vector<std::size_t> row(to.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= from.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= to.size(); ++j) {
      const std::size_t substitution = diagonal + (from[i - 1] == to[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({substitution, row[j] + 1, row[j - 1] + 1});
    }
  }
  return row[to.size()];
}

std::size_t typo_allowance(std::string_view typed) { return std::max<std::size_t>(2, typed.size() / 3); }

std::optional<std::string> closest_known(std::string_view typed, const std::vector<std::string>& known) {
  const std::size_t allowance = typo_allowance(typed);
  std::optional<std::string> closest;
  std::size_t closest_distance = allowance + 1;
  for (const auto& word : known) {
    if (word == typed) return std::nullopt;
    const std::size_t distance = edit_distance(typed, word);
    if (distance < closest_distance) {
      closest = word;
      closest_distance = distance;
    }
  }
  return closest;
}

}  // namespace ie
