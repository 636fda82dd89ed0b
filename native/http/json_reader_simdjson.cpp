// The JsonReader of json_reader.hpp on simdjson's on-demand API (issue #18, point 5: a trial,
// built with -DIE_JSON_READER=simdjson). simdjson checks the grammar, UTF-8 and escapes; this file
// walks its values into the reader's flat vector and keeps the header's contract where simdjson
// differs: positions from current_location(), a depth limit checked on the way down, 1e400 told
// apart from a malformed number, and strings without escapes left as views into the body.
#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include "native/http/json_reader.hpp"

namespace ie::http {

namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kKeptValues = 1 << 16;
constexpr std::size_t kKeptDecodedBytes = 1 << 20;
// simdjson's parser holds about five bytes per byte of its largest document: a thread keeps one
// for bodies up to this size and drops a larger one after its read.
constexpr std::size_t kKeptParserBytes = 1 << 20;

// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input, which a body's
// string_view cannot promise: each thread copies the body into a buffer of its own.
struct Backend {
  od::parser parser;
  std::unique_ptr<char[]> buffer;
  std::size_t capacity = 0;

  std::string_view padded_copy(std::string_view text) {
    const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity) {
      capacity = std::max(needed, 2 * capacity);
      buffer = std::make_unique<char[]>(capacity);
    }
    std::memcpy(buffer.get(), text.data(), text.size());
    std::memset(buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    return {buffer.get(), text.size()};
  }

  void release_oversized() {
    if (capacity > kKeptParserBytes) {
      parser = od::parser();
      buffer.reset();
      capacity = 0;
    }
  }
};

thread_local Backend backend;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string_view trimmed(std::string_view token) {
  while (!token.empty() && is_space(token.back())) token.remove_suffix(1);
  return token;
}

// RFC 8259's number grammar, which simdjson checks but answers NUMBER_ERROR for both a malformed
// number and one beyond double's range: where `token` stops being a number, its size if it is one.
std::size_t number_end(std::string_view token) {
  std::size_t at = 0;
  auto digits = [&] {
    const std::size_t start = at;
    while (at < token.size() && is_digit(token[at])) ++at;
    return at > start;
  };
  if (at < token.size() && token[at] == '-') ++at;
  if (at < token.size() && token[at] == '0') {
    ++at;
  } else if (!digits()) {
    return at;
  }
  if (at < token.size() && token[at] == '.' && (++at, !digits())) return at;
  if (at < token.size() && (token[at] == 'e' || token[at] == 'E')) {
    ++at;
    if (at < token.size() && (token[at] == '+' || token[at] == '-')) ++at;
    if (!digits()) return at;
  }
  return at;
}

// "'x'" for a printable byte, "byte 0x0A" for the others.
std::string shown(unsigned char c) {
  if (c >= 0x20 && c < 0x7F) return std::string{'\'', static_cast<char>(c), '\''};
  char text[16];
  std::snprintf(text, sizeof text, "byte 0x%02X", c);
  return text;
}

const char* problem_of(simdjson::error_code error) {
  switch (error) {
    case simdjson::EMPTY: return "expected a value";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: return "the array or object is not closed";
    case simdjson::TAPE_ERROR: return "misplaced or missing comma, colon, bracket, brace or key";
    case simdjson::INCORRECT_TYPE: return "expected a value";
    case simdjson::UNCLOSED_STRING: return "expected '\"' closing the string";
    case simdjson::UTF8_ERROR: return "ill-formed UTF-8";
    case simdjson::UNESCAPED_CHARS: return "control character in a string: it must be escaped";
    case simdjson::STRING_ERROR: return "invalid escape or lone surrogate in a string";
    case simdjson::T_ATOM_ERROR: return "expected the literal true";
    case simdjson::F_ATOM_ERROR: return "expected the literal false";
    case simdjson::N_ATOM_ERROR: return "expected the literal null";
    case simdjson::NUMBER_ERROR: return "malformed number";
    case simdjson::TRAILING_CONTENT: return "expected the end of the input after the value";
    default: return simdjson::error_message(error);
  }
}

}  // namespace

class JsonParser {
 public:
  JsonParser(JsonReader& reader, std::string_view text) : reader_(reader), text_(text) {}
  void document();

 private:
  template <typename Value> void value(Value& value, int depth);
  template <typename Value> void array(Value& value, int depth);
  template <typename Value> void object(Value& value, int depth);
  template <typename Value> void string(Value& value);
  template <typename Value> void number(Value& value);
  template <typename Value> std::string_view token_of(Value& value);
  void close(JsonType type, std::size_t mark);
  std::string_view key(od::field& field);
  std::string_view kept(std::string_view unescaped);
  std::string_view original(const char* padded, std::size_t size) const { return text_.substr(padded - padded_.data(), size); }
  void push(JsonValue value) { reader_.pending_.push_back(value); }
  void check(simdjson::error_code error);
  [[noreturn]] void fail(const char* at, const std::string& problem) const;

  JsonReader& reader_;
  std::string_view text_;
  std::string_view padded_;
  od::document document_;
  bool iterating_ = false;
};

void JsonParser::document() {
  padded_ = backend.padded_copy(text_);
  const simdjson::error_code error =
      backend.parser.iterate(padded_.data(), padded_.size(), padded_.size() + simdjson::SIMDJSON_PADDING).get(document_);
  // Stage 1 (UTF-8, unclosed strings, control characters) fails before there is any location.
  if (error) check(error);
  iterating_ = true;
  value(document_, 0);
  // simdjson 3.0.1 has no document::at_end(): past the last token there is no location.
  const char* trailing = nullptr;
  if (!document_.current_location().get(trailing)) {
    fail(trailing, "unexpected " + shown(static_cast<unsigned char>(*trailing)) + ": " + problem_of(simdjson::TRAILING_CONTENT));
  }
}

template <typename Value> void JsonParser::value(Value& value, int depth) {
  od::json_type type;
  check(value.type().get(type));
  switch (type) {
    case od::json_type::object: return object(value, depth + 1);
    case od::json_type::array: return array(value, depth + 1);
    case od::json_type::string: return string(value);
    case od::json_type::number: return number(value);
    case od::json_type::boolean: {
      bool boolean = false;
      check(value.get_bool().get(boolean));
      JsonValue result;
      result.type_ = JsonType::boolean;
      result.boolean_ = boolean;
      return push(result);
    }
    case od::json_type::null: {
      bool null = false;
      check(value.is_null().get(null));
      if (!null) check(simdjson::N_ATOM_ERROR);
      return push(JsonValue());
    }
  }
}

template <typename Value> void JsonParser::array(Value& value, int depth) {
  std::string_view token = token_of(value);
  if (depth > kMaxJsonDepth) fail(token.data(), "more than " + std::to_string(kMaxJsonDepth) + " arrays and objects inside each other");
  od::array array;
  check(value.get_array().get(array));
  const std::size_t mark = reader_.pending_.size();
  for (auto element : array) {
    od::value item;
    check(std::move(element).get(item));
    this->value(item, depth);
  }
  close(JsonType::array, mark);
}

template <typename Value> void JsonParser::object(Value& value, int depth) {
  std::string_view token = token_of(value);
  if (depth > kMaxJsonDepth) fail(token.data(), "more than " + std::to_string(kMaxJsonDepth) + " arrays and objects inside each other");
  od::object object;
  check(value.get_object().get(object));
  const std::size_t mark = reader_.pending_.size();
  for (auto member : object) {
    od::field field;
    check(std::move(member).get(field));
    const std::string_view name = key(field);
    this->value(field.value(), depth);
    reader_.pending_.back().key_ = name;
  }
  close(JsonType::object, mark);
}

// A string without escapes is a view into the text: escapes always make the text longer than the
// string, so the token's length tells.
template <typename Value> void JsonParser::string(Value& value) {
  std::string_view token = token_of(value);
  token = trimmed(token);
  std::string_view unescaped;
  check(value.get_string().get(unescaped));
  const std::string_view text = token.size() == unescaped.size() + 2 ? original(token.data() + 1, unescaped.size()) : kept(unescaped);
  JsonValue result;
  result.type_ = JsonType::string;
  result.text_ = text.data();
  result.size_ = static_cast<std::uint32_t>(text.size());
  push(result);
}

std::string_view JsonParser::key(od::field& field) {
  const char* raw = field.key().raw();
  std::string_view unescaped;
  check(field.unescaped_key().get(unescaped));
  const bool plain = std::memchr(raw, '\\', unescaped.size()) == nullptr && raw[unescaped.size()] == '"';
  return plain ? original(raw, unescaped.size()) : kept(unescaped);
}

// simdjson's unescaped strings live in its parser, which the thread shares; the reader keeps its own.
std::string_view JsonParser::kept(std::string_view unescaped) {
  std::string& out = reader_.decoded_;
  if (out.empty()) out.reserve(text_.size());  // never reallocated after: the views stay valid
  const std::size_t begin = out.size();
  out.append(unescaped);
  return std::string_view(out).substr(begin);
}

template <typename Value> void JsonParser::number(Value& value) {
  std::string_view token = token_of(value);
  token = trimmed(token);
  JsonValue result;
  od::number number;
  const simdjson::error_code error = value.get_number().get(number);
  if (!error && number.get_number_type() == od::number_type::signed_integer) {
    result.type_ = JsonType::integer;
    result.integer_ = number.get_int64();
    return push(result);
  }
  result.type_ = JsonType::number;
  if (!error) {
    result.number_ = number.as_double();
    return push(result);
  }
  // NUMBER_ERROR: malformed, or beyond what simdjson holds (a double's range, an integer's digits).
  const std::size_t end = number_end(token);
  if (end < token.size()) fail(token.data() + end, "unexpected " + shown(static_cast<unsigned char>(token[end])) + " in a number");
  if (token.empty() || !is_digit(token.back())) fail(token.data() + token.size(), "unexpected end of the number; expected a digit");
  double parsed = 0;
  if (std::from_chars(token.data(), token.data() + token.size(), parsed).ec != std::errc{}) {
    parsed = std::strtod(std::string(token).c_str(), nullptr);
  }
  if (!std::isfinite(parsed)) throw JsonNumberOverflow("number overflow parsing '" + std::string(token) + "'");
  result.number_ = parsed;
  push(result);
}

// The value's text and the spaces after it (a document's is a simdjson_result, a value's not).
template <typename Value> std::string_view JsonParser::token_of(Value& value) {
  simdjson::simdjson_result<std::string_view> token = value.raw_json_token();
  std::string_view text;
  check(std::move(token).get(text));
  return text;
}

void JsonParser::close(JsonType type, std::size_t mark) {
  std::vector<JsonValue>& pending = reader_.pending_;
  JsonValue container;
  container.type_ = type;
  container.first_ = reader_.values_.size();
  container.size_ = static_cast<std::uint32_t>(pending.size() - mark);
  reader_.values_.insert(reader_.values_.end(), pending.begin() + static_cast<std::ptrdiff_t>(mark), pending.end());
  pending.resize(mark);
  push(container);
}

// simdjson's errors carry no position; its iterator stops where the error is, or past the end.
void JsonParser::check(simdjson::error_code error) {
  if (!error) return;
  const char* const end = padded_.data() + padded_.size();
  const char* at = nullptr;
  if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || !iterating_ || document_.current_location().get(at)) at = end;
  const std::string found = at == end ? "end of input" : shown(static_cast<unsigned char>(*at));
  fail(at, "unexpected " + found + ": " + problem_of(error));
}

void JsonParser::fail(const char* at, const std::string& problem) const {
  throw JsonError(static_cast<std::size_t>(at - padded_.data()) + 1, problem);
}

const char* JsonValue::type_name() const {
  switch (type_) {
    case JsonType::null: return "null";
    case JsonType::boolean: return "boolean";
    case JsonType::integer:
    case JsonType::number: return "number";
    case JsonType::string: return "string";
    case JsonType::array: return "array";
    case JsonType::object: return "object";
  }
  return "unknown";
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (type_ != JsonType::object) return nullptr;
  const std::span<const JsonValue> members = items();
  for (auto member = members.rbegin(); member != members.rend(); ++member) {
    if (member->key_ == key) return &*member;
  }
  return nullptr;
}

const JsonValue& JsonReader::read(std::string_view text) {
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) throw JsonError(1, "the text is larger than 4 GiB");
  release_oversized();
  values_.clear();
  pending_.clear();
  decoded_.clear();
  JsonParser(*this, text).document();
  values_.push_back(pending_.back());
  link_items();
  return values_.back();
}

void JsonReader::release_oversized() {
  backend.release_oversized();
  if (values_.capacity() > kKeptValues) std::vector<JsonValue>().swap(values_);
  if (pending_.capacity() > kKeptValues) std::vector<JsonValue>().swap(pending_);
  if (decoded_.capacity() > kKeptDecodedBytes) std::string().swap(decoded_);
}

void JsonReader::link_items() {
  for (JsonValue& value : values_) {
    if (value.type_ == JsonType::array || value.type_ == JsonType::object) value.items_ = values_.data() + value.first_;
  }
}

}  // namespace ie::http
