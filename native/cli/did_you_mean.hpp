#pragma once
// The "did you mean" ending of an error about a mistyped name (core/suggestion.hpp decides which).
#include <string>
#include <string_view>
#include <vector>

namespace ie::cli {

// "; did you mean 'serve'?", with `before` and `after` around the name (quotes, or "--" and
// nothing for an option); "" when no known name is close enough.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known, std::string_view before = "'",
                         std::string_view after = "'");

}  // namespace ie::cli
