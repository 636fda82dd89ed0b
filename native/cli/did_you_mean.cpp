#include "native/cli/did_you_mean.hpp"

#include "core/suggestion.hpp"

namespace ie::cli {

std::string did_you_mean(std::string_view typed, const std::vector<std::string>& known, std::string_view before,
                         std::string_view after) {
  const auto closest = closest_known(typed, known);
  if (!closest) return "";
  return "; did you mean " + std::string(before) + *closest + std::string(after) + "?";
}

}  // namespace ie::cli
