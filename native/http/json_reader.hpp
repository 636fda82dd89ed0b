#pragma once
// A strict (RFC 8259) JSON reader for request bodies. nlohmann::json built a DOM of std::map nodes
// and std::strings for every body, and malloc/free of those was about a fifth of the receiver's CPU
// for values read once and dropped. Here a document is a flat vector of values owned by a reusable
// JsonReader: the items of an array or object sit next to each other (a container is a span of
// them), strings are views into the body, and only strings with escapes are decoded, into a buffer
// the reader owns. Once a reader has warmed up, reading a body allocates nothing.
//
// What nlohmann did is kept where answers depend on it: error positions count bytes from 1 (the end
// of the input is one past its last byte), strings must be well-formed UTF-8, lone surrogates are
// errors, of duplicate keys the last wins, and a number beyond double's range (1e400) is an error
// of its own. Integers that fit int64 stay integers; every other number is a double (nlohmann kept
// uint64 apart, but the receiver turned those into doubles anyway). Nesting is limited so that
// hostile input cannot exhaust the stack of the recursive descent.
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ie::http {

constexpr int kMaxJsonDepth = 64;  // arrays and objects inside each other; events need 4

enum class JsonType : std::uint8_t { null, boolean, integer, number, string, array, object };

// One value of a document; valid until its reader reads the next one.
class JsonValue {
 public:
  JsonType type() const { return type_; }
  bool is_null() const { return type_ == JsonType::null; }
  bool is_string() const { return type_ == JsonType::string; }
  bool is_array() const { return type_ == JsonType::array; }
  bool is_object() const { return type_ == JsonType::object; }
  // nlohmann's names, which error messages use: "null", "boolean", "number", "string", "array", "object".
  const char* type_name() const;

  // Each only for its type.
  bool boolean() const { return boolean_; }
  std::int64_t integer() const { return integer_; }
  double number() const { return number_; }
  std::string_view string() const { return {text_, size_}; }
  // The elements of an array, or the member values of an object (each with its key()), in the
  // order of the text, duplicates included.
  std::span<const JsonValue> items() const { return {items_, size_}; }
  std::string_view key() const { return key_; }

  // The member named `key` (the last one when the key repeats); nullptr when absent or not an object.
  const JsonValue* find(std::string_view key) const;

 private:
  friend class JsonParser;
  friend class JsonReader;

  std::string_view key_;  // of an object member
  union {
    bool boolean_;
    std::int64_t integer_ = 0;
    double number_;
    const char* text_;
    const JsonValue* items_;
    std::size_t first_;  // while reading: where the items start among the reader's values
  };
  std::uint32_t size_ = 0;  // a string's bytes, a container's items
  JsonType type_ = JsonType::null;
};

// Malformed JSON. byte() counts from 1; the end of the input is one past its last byte.
class JsonError : public std::runtime_error {
 public:
  JsonError(std::size_t byte, const std::string& problem) : std::runtime_error(problem), byte_(byte) {}
  std::size_t byte() const { return byte_; }

 private:
  std::size_t byte_;
};

// Well-formed, but a number beyond double's range: "number overflow parsing '1e400'".
struct JsonNumberOverflow : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class JsonReader {
 public:
  // The root of `text`, which must outlive the use of the values (strings view into it). Throws
  // JsonError or JsonNumberOverflow. Values of the previous read() become invalid.
  const JsonValue& read(std::string_view text);

 private:
  friend class JsonParser;

  void release_oversized();
  void link_items();

  std::vector<JsonValue> values_;   // the document: every container's items are contiguous
  std::vector<JsonValue> pending_;  // the items of the containers being read, innermost last
  std::string decoded_;             // strings with escapes, decoded
};

}  // namespace ie::http
