#pragma once
// The building blocks of the typed call sites that `internal-events definitions types DIR` writes
// (internal_events_events.hpp): a member that accepts only its declared type, so that a number
// passed as a label, a string as a value, 2.5 as a user id, or a property the event does not
// declare fails to compile. Without them C++ converts quietly: in a std::map<std::string, Scalar>
// a "npm" may become a bool, and 2.5 an id of 2.
//
//   struct properties { ie::typed::Required<ie::typed::Text> label; ie::typed::Optional<ie::typed::Number> value; };
//   properties{.label = "npm", .value = 2.5}   // compiles
//   properties{.value = "big"}                 // does not: value is a Number, and label is required
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/scalar.hpp"

namespace ie::typed {

template <typename T>
inline constexpr bool is_character = std::is_same_v<T, char> || std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char> ||
                                     std::is_same_v<T, wchar_t> || std::is_same_v<T, char8_t> || std::is_same_v<T, char16_t> ||
                                     std::is_same_v<T, char32_t>;

// The kinds of value, each with what it accepts (a type, with references and const removed) and
// the Scalar it makes of it.
struct Text {
  template <typename T>
  static constexpr bool accepts = std::is_convertible_v<const T&, std::string_view> && !std::is_same_v<T, std::nullptr_t>;
  static Scalar scalar(std::string_view text) { return std::string(text); }
};

struct Number {
  template <typename T>
  static constexpr bool accepts = std::is_arithmetic_v<T> && !std::is_same_v<T, bool> && !is_character<T>;
  template <typename T>
  static Scalar scalar(T number) {
    if constexpr (std::is_integral_v<T>) return static_cast<std::int64_t>(number);
    else return static_cast<double>(number);
  }
};

struct Boolean {
  template <typename T>
  static constexpr bool accepts = std::is_same_v<T, bool>;
  static Scalar scalar(bool flag) { return flag; }
};

// A custom property whose definition declares no type: any of the three.
struct AnyScalar {
  template <typename T>
  static constexpr bool accepts = Text::accepts<T> || Number::accepts<T> || Boolean::accepts<T>;
  template <typename T>
  static Scalar scalar(const T& value) {
    if constexpr (Boolean::accepts<T>) return Boolean::scalar(value);
    else if constexpr (Number::accepts<T>) return Number::scalar(value);
    else return Text::scalar(value);
  }
};

// A user, project or namespace id: an integer, never a float or a bool.
struct Id {
  template <typename T>
  static constexpr bool accepts = std::is_integral_v<T> && !std::is_same_v<T, bool> && !is_character<T>;
  template <typename T>
  static Scalar scalar(T id) { return static_cast<std::int64_t>(id); }
};

template <typename Kind>
class Optional {
 public:
  Optional() = default;
  template <typename T>
    requires Kind::template accepts<std::remove_cvref_t<T>>
  Optional(const T& value) : scalar_(Kind::scalar(value)) {}  // NOLINT: implicit, for designated initializers

  const std::optional<Scalar>& scalar() const { return scalar_; }

 private:
  std::optional<Scalar> scalar_;
};

// No default constructor: a designated initializer that leaves it out does not compile.
template <typename Kind>
class Required {
 public:
  template <typename T>
    requires Kind::template accepts<std::remove_cvref_t<T>>
  Required(const T& value) : scalar_(Kind::scalar(value)) {}  // NOLINT: implicit, for designated initializers

  const Scalar& scalar() const { return scalar_; }

 private:
  Scalar scalar_;
};

template <typename Kind>
void put(std::map<std::string, Scalar>& properties, const char* name, const Optional<Kind>& property) {
  if (property.scalar()) properties.emplace(name, *property.scalar());
}

template <typename Kind>
void put(std::map<std::string, Scalar>& properties, const char* name, const Required<Kind>& property) {
  properties.emplace(name, property.scalar());
}

inline std::optional<std::int64_t> id(const Optional<Id>& identifier) {
  if (!identifier.scalar()) return std::nullopt;
  return std::get<std::int64_t>(*identifier.scalar());
}

}  // namespace ie::typed
