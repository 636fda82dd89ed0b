#pragma once
// A request target split into its decoded path and query parameters.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ie::http {

struct Target {
  std::string path;
  std::map<std::string, std::string> query;

  std::optional<std::string> param(const std::string& name) const;
};

// Percent-decoding; '+' is a space only in queries. nullopt for a broken %-escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Throws HttpError 400 for a target that does not decode.
Target parse_target(std::string_view target);

}  // namespace ie::http
