#include "native/event_stream/packed_fields.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <variant>

namespace ie {

namespace {

// The kinds, as Scalar's alternatives are numbered: unpack_fields() makes them by number.
static_assert(std::is_same_v<std::variant_alternative_t<0, Scalar>, std::nullptr_t>);
static_assert(std::is_same_v<std::variant_alternative_t<1, Scalar>, bool>);
static_assert(std::is_same_v<std::variant_alternative_t<2, Scalar>, std::int64_t>);
static_assert(std::is_same_v<std::variant_alternative_t<3, Scalar>, double>);
static_assert(std::is_same_v<std::variant_alternative_t<4, Scalar>, std::string>);

template <typename Number>
void put(std::string& out, Number number) {
  out.append(reinterpret_cast<const char*>(&number), sizeof number);
}

void put_text(std::string& out, std::string_view text) {
  put(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

// Reads what put() and put_text() wrote, in order.
class Unpacker {
 public:
  explicit Unpacker(std::string_view packed) : rest_(packed) {}

  template <typename Number>
  Number number() {
    Number number;
    std::memcpy(&number, rest_.data(), sizeof number);
    rest_.remove_prefix(sizeof number);
    return number;
  }
  std::string_view text() {
    const auto size = number<std::uint32_t>();
    const std::string_view text = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return text;
  }

 private:
  std::string_view rest_;
};

}  // namespace

void pack_fields(const Fields& fields, std::string& out) {
  for (const auto& [name, value] : fields) {
    put_text(out, name);
    put(out, static_cast<std::uint8_t>(value.index()));
    if (const auto* flag = std::get_if<bool>(&value)) put(out, static_cast<std::uint8_t>(*flag));
    else if (const auto* integer = std::get_if<std::int64_t>(&value)) put(out, *integer);
    else if (const auto* number = std::get_if<double>(&value)) put(out, *number);
    else if (const auto* text = std::get_if<std::string>(&value)) put_text(out, *text);
  }
}

Fields unpack_fields(std::string_view packed, std::size_t count) {
  Fields fields;
  Unpacker in(packed);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view name = in.text();
    Scalar value;
    switch (in.number<std::uint8_t>()) {
      case 1: value = in.number<std::uint8_t>() != 0; break;
      case 2: value = in.number<std::int64_t>(); break;
      case 3: value = in.number<double>(); break;
      case 4: value = std::string(in.text()); break;
      default: value = nullptr;
    }
    fields.try_emplace(name, std::move(value));
  }
  return fields;
}

}  // namespace ie
