#pragma once
// An event as a caller hands it in (EventInput, anything goes) and as it is after validation
// (Event, every field of the right type and declared).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/fields.hpp"
#include "core/scalar.hpp"

namespace ie {

struct EventInput {
  std::string name;
  Fields identifiers;  // user, project, namespace (null means absent)
  Fields properties;   // label, property, value and custom properties
};

struct Event {
  std::string name;
  std::optional<std::int64_t> user;
  std::optional<std::int64_t> project;
  std::optional<std::int64_t> namespace_id;
  Fields properties;

  const Scalar* property(const std::string& key) const;
  std::optional<std::int64_t> identifier(std::string_view kind) const;  // "user", "project", "namespace"
};

}  // namespace ie
