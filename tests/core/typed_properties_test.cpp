#include <doctest/doctest.h>

#include <string>

#include "core/typed_properties.hpp"

using namespace ie;
using namespace ie::typed;

// What compiles is what these checks are about: each kind takes its own type and nothing that
// would convert quietly.
static_assert(std::is_convertible_v<const char*, Optional<Text>>);
static_assert(std::is_convertible_v<std::string, Optional<Text>>);
static_assert(!std::is_convertible_v<int, Optional<Text>>);
static_assert(!std::is_convertible_v<std::nullptr_t, Optional<Text>>);
static_assert(std::is_convertible_v<int, Optional<Number>>);
static_assert(std::is_convertible_v<double, Optional<Number>>);
static_assert(!std::is_convertible_v<const char*, Optional<Number>>);
static_assert(!std::is_convertible_v<bool, Optional<Number>>);
static_assert(!std::is_convertible_v<char, Optional<Number>>);
static_assert(std::is_convertible_v<bool, Optional<Boolean>>);
static_assert(!std::is_convertible_v<const char*, Optional<Boolean>>);  // a pointer would be a bool otherwise
static_assert(!std::is_convertible_v<int, Optional<Boolean>>);
static_assert(std::is_convertible_v<long, Optional<Id>>);
static_assert(!std::is_convertible_v<double, Optional<Id>>);
static_assert(!std::is_convertible_v<bool, Optional<Id>>);
static_assert(std::is_convertible_v<const char*, Optional<AnyScalar>> && std::is_convertible_v<bool, Optional<AnyScalar>>);
static_assert(!std::is_convertible_v<std::nullptr_t, Optional<AnyScalar>>);
static_assert(std::is_default_constructible_v<Optional<Text>>);
static_assert(!std::is_default_constructible_v<Required<Text>>);  // a designated initializer must name it

namespace {

struct Properties {
  Required<Text> label;
  Optional<Number> value{};
  Optional<AnyScalar> extra{};
};

}  // namespace

TEST_CASE("typed members become the tracker's properties, the absent ones left out") {
  const Properties properties{.label = "npm", .value = 3};
  std::map<std::string, Scalar> additional;
  put(additional, "label", properties.label);
  put(additional, "value", properties.value);
  put(additional, "extra", properties.extra);
  CHECK(additional == std::map<std::string, Scalar>{{"label", std::string("npm")}, {"value", std::int64_t{3}}});

  const Properties floats{.label = std::string("x"), .value = 2.5f, .extra = true};
  CHECK(*floats.value.scalar() == Scalar{2.5});
  CHECK(*floats.extra.scalar() == Scalar{true});
}

TEST_CASE("identifiers are ids or nothing") {
  CHECK(id(Optional<Id>{7}) == 7);
  CHECK(id(Optional<Id>{std::uint16_t{9}}) == 9);
  CHECK_FALSE(id(Optional<Id>{}));
}
