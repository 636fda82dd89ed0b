#include "native/http/json_reader.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace ie::http {

namespace {

// A reader keeps its storage for the next body, except beyond these: a hostile 1 MiB body of
// [0,0,…] needs 16 MB of values, which no thread should hold on to.
constexpr std::size_t kKeptValues = 1 << 16;
constexpr std::size_t kKeptDecodedBytes = 1 << 20;

// The bytes a string holds as they are: ASCII from the space on, but for '"' and '\'.
constexpr std::array<bool, 256> kPlainStringBytes = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// Whether any of eight bytes is not plain: below 0x20, '"', '\\' or from 0x80 on (the bit tricks
// of "Bit Twiddling Hacks": a byte below n borrows into its top bit). Event names and ids are
// runs of 30 to 40 plain bytes, read eight at a time.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kTops = 0x8080808080808080ULL;
constexpr std::uint64_t any_below(std::uint64_t word, std::uint8_t n) { return (word - kOnes * n) & ~word & kTops; }
constexpr std::uint64_t any_equal(std::uint64_t word, char c) { return any_below(word ^ (kOnes * static_cast<std::uint8_t>(c)), 1); }
constexpr bool all_plain(std::uint64_t word) {
  return !((word & kTops) | any_below(word, 0x20) | any_equal(word, '"') | any_equal(word, '\\'));
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string hex(unsigned value, int digits) {
  char text[16];
  std::snprintf(text, sizeof text, "%0*X", digits, value);
  return text;
}

// "'x'" for a printable byte, "byte 0x0A" for the others.
std::string shown(unsigned char c) {
  if (c >= 0x20 && c < 0x7F) return std::string{'\'', static_cast<char>(c), '\''};
  return "byte 0x" + hex(c, 2);
}

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | code_point >> 6));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | code_point >> 12));
    out.push_back(static_cast<char>(0x80 | (code_point >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | code_point >> 18));
    out.push_back(static_cast<char>(0x80 | (code_point >> 12 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point >> 6 & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// from_chars is exact and ignores the locale, but reports underflow (1e-400) like overflow: those
// few go to strtod, whose zero or denormal is what nlohmann answered.
double to_double(std::string_view token) {
  double value = 0;
  if (std::from_chars(token.data(), token.data() + token.size(), value).ec == std::errc{}) return value;
  value = std::strtod(std::string(token).c_str(), nullptr);
  if (!std::isfinite(value)) throw JsonNumberOverflow("number overflow parsing '" + std::string(token) + "'");
  return value;
}

}  // namespace

// One read: the cursor over the text and the recursive descent. Each value read is pushed on the
// reader's pending_ values; a closing container moves its items from there to values_.
class JsonParser {
 public:
  JsonParser(JsonReader& reader, std::string_view text) : reader_(reader), text_(text) {}
  void document();

 private:
  void value(int depth);
  void array(int depth);
  void object(int depth);
  void enter(int depth) const;
  void close(JsonType type, std::size_t mark);
  void no_trailing_comma(char closing) const;
  std::string_view string();
  std::size_t plain_run_end(std::size_t at) const;
  std::string_view decoded_string(std::size_t start);
  void escape(std::string& out);
  std::uint32_t code_point();
  std::uint32_t hex4();
  void non_plain_string_byte();
  void utf8_sequence();
  void number();
  void digits();
  void literal(std::string_view word, JsonValue value);
  void push(JsonValue value) { reader_.pending_.push_back(value); }
  static JsonValue string_value(std::string_view text);
  static JsonValue boolean_value(bool boolean);
  void skip_space();
  bool at_end() const { return at_ == text_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(text_[at_]); }
  bool next_is(char c) const { return !at_end() && text_[at_] == c; }
  [[noreturn]] void fail(std::size_t at, const std::string& problem) const;
  [[noreturn]] void unexpected(std::size_t at, const std::string& expected) const;

  JsonReader& reader_;
  std::string_view text_;
  std::size_t at_ = 0;
};

void JsonParser::document() {
  skip_space();
  value(0);
  skip_space();
  if (!at_end()) unexpected(at_, "the end of the input after the value");
}

void JsonParser::value(int depth) {
  if (at_end()) unexpected(at_, "a value");
  switch (text_[at_]) {
    case '{': return object(depth + 1);
    case '[': return array(depth + 1);
    case '"': return push(string_value(string()));
    case 't': return literal("true", boolean_value(true));
    case 'f': return literal("false", boolean_value(false));
    case 'n': return literal("null", JsonValue());
    default:
      if (text_[at_] == '-' || is_digit(text_[at_])) return number();
      unexpected(at_, "a value");
  }
}

void JsonParser::array(int depth) {
  enter(depth);
  const std::size_t mark = reader_.pending_.size();
  ++at_;
  skip_space();
  if (next_is(']')) {
    ++at_;
    return close(JsonType::array, mark);
  }
  for (;;) {
    value(depth);
    skip_space();
    if (at_end()) unexpected(at_, "',' or ']'");
    const char separator = text_[at_++];
    if (separator == ']') return close(JsonType::array, mark);
    if (separator != ',') unexpected(at_ - 1, "',' or ']'");
    skip_space();
    no_trailing_comma(']');
  }
}

void JsonParser::object(int depth) {
  enter(depth);
  const std::size_t mark = reader_.pending_.size();
  ++at_;
  skip_space();
  if (next_is('}')) {
    ++at_;
    return close(JsonType::object, mark);
  }
  for (;;) {
    if (!next_is('"')) unexpected(at_, "a string naming a member");
    const std::string_view key = string();
    skip_space();
    if (!next_is(':')) unexpected(at_, "':'");
    ++at_;
    skip_space();
    value(depth);
    reader_.pending_.back().key_ = key;
    skip_space();
    if (at_end()) unexpected(at_, "',' or '}'");
    const char separator = text_[at_++];
    if (separator == '}') return close(JsonType::object, mark);
    if (separator != ',') unexpected(at_ - 1, "',' or '}'");
    skip_space();
    no_trailing_comma('}');
  }
}

void JsonParser::enter(int depth) const {
  if (depth > kMaxJsonDepth) fail(at_, "more than " + std::to_string(kMaxJsonDepth) + " arrays and objects inside each other");
}

// The items read since `mark` become the container's, next to each other in values_.
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

void JsonParser::no_trailing_comma(char closing) const {
  if (next_is(closing)) fail(at_, std::string("unexpected '") + closing + "' after ','; JSON has no trailing commas");
}

// At the opening quote. A string without escapes is a view into the text.
std::string_view JsonParser::string() {
  const std::size_t start = ++at_;
  for (;;) {
    at_ = plain_run_end(at_);
    if (at_end()) unexpected(at_, "'\"' closing the string");
    if (peek() == '"') {
      ++at_;
      return text_.substr(start, at_ - 1 - start);
    }
    if (peek() == '\\') return decoded_string(start);
    non_plain_string_byte();
  }
}

// Where the bytes a string holds as they are end. The hot loop runs on locals: with ++at_ the
// compiler would store at_ and reload text_ (which a size_t store might change) for every byte.
std::size_t JsonParser::plain_run_end(std::size_t at) const {
  const char* const text = text_.data();
  const std::size_t size = text_.size();
  for (std::uint64_t word; at + 8 <= size; at += 8) {
    std::memcpy(&word, text + at, 8);
    if (!all_plain(word)) break;
  }
  while (at < size && kPlainStringBytes[static_cast<unsigned char>(text[at])]) ++at;
  return at;
}

// At the first backslash of the string that began at `start`.
std::string_view JsonParser::decoded_string(std::size_t start) {
  std::string& out = reader_.decoded_;
  // Decoded strings are never longer than their text, so reserving the whole text's size before the
  // first one (out is empty only then) keeps the views of all of them valid.
  if (out.empty()) out.reserve(text_.size());
  const std::size_t begin = out.size();
  out.append(text_.data() + start, at_ - start);
  for (;;) {
    const std::size_t run = at_;
    at_ = plain_run_end(at_);
    out.append(text_.data() + run, at_ - run);
    if (at_end()) unexpected(at_, "'\"' closing the string");
    if (peek() == '"') {
      ++at_;
      return std::string_view(out).substr(begin);
    }
    if (peek() == '\\') {
      escape(out);
      continue;
    }
    const std::size_t sequence = at_;
    non_plain_string_byte();
    out.append(text_.data() + sequence, at_ - sequence);
  }
}

void JsonParser::escape(std::string& out) {
  const std::size_t at = at_;
  if (at + 1 == text_.size()) unexpected(at + 1, "an escaped character");
  const char kind = text_[at + 1];
  at_ += 2;
  switch (kind) {
    case '"':
    case '\\':
    case '/': return out.push_back(kind);
    case 'b': return out.push_back('\b');
    case 'f': return out.push_back('\f');
    case 'n': return out.push_back('\n');
    case 'r': return out.push_back('\r');
    case 't': return out.push_back('\t');
    case 'u': return append_utf8(out, code_point());
    default: fail(at + 1, "invalid escape: " + shown(static_cast<unsigned char>(kind)) + " after '\\'");
  }
}

// After "\u"; a high surrogate must be followed by an escaped low one, together one code point. A
// lone low surrogate is placed at its last digit, where nlohmann placed it.
std::uint32_t JsonParser::code_point() {
  const std::uint32_t first = hex4();
  if (first >= 0xDC00 && first <= 0xDFFF) fail(at_ - 1, "\\u" + hex(first, 4) + " is a low surrogate without a high one before it");
  if (first < 0xD800 || first > 0xDBFF) return first;
  const std::size_t second_at = at_;
  std::uint32_t second = 0;
  if (text_.substr(at_, 2) == "\\u") {
    at_ += 2;
    second = hex4();
  }
  if (second < 0xDC00 || second > 0xDFFF) {
    fail(second_at, "\\u" + hex(first, 4) + " is a high surrogate without a low one (\\uDC00 to \\uDFFF) after it");
  }
  return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
}

std::uint32_t JsonParser::hex4() {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i, ++at_) {
    if (at_end()) unexpected(at_, "4 hex digits after \\u");
    const char c = text_[at_];
    const int digit = is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (digit < 0) unexpected(at_, "4 hex digits after \\u");
    value = value << 4 | static_cast<std::uint32_t>(digit);
  }
  return value;
}

void JsonParser::non_plain_string_byte() {
  if (peek() < 0x20) fail(at_, "control character " + shown(peek()) + " in a string: it must be escaped");
  utf8_sequence();
}

// RFC 3629: the lead byte says how many continuation bytes follow and the range of the first of
// them (no overlong forms, no surrogates, nothing above U+10FFFF); the others are 0x80 to 0xBF.
void JsonParser::utf8_sequence() {
  const unsigned char lead = peek();
  unsigned char low = 0x80, high = 0xBF;
  int continuations = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuations = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuations = 2;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuations = 3;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    fail(at_, "ill-formed UTF-8: " + shown(lead) + " cannot start a character");
  }
  ++at_;
  for (int i = 0; i < continuations; ++i, ++at_) {
    if (at_end() || peek() < low || peek() > high) {
      const std::string found = at_end() ? "the end of input" : shown(peek());
      fail(at_, "ill-formed UTF-8: " + found + " in a character begun by " + shown(lead));
    }
    low = 0x80;
    high = 0xBF;
  }
}

void JsonParser::number() {
  const std::size_t start = at_;
  if (next_is('-')) ++at_;
  if (at_end() || !is_digit(text_[at_])) unexpected(at_, "a digit");
  if (next_is('0')) {
    if (++at_ < text_.size() && is_digit(text_[at_])) fail(at_, "a number must not start with 0 followed by a digit");
  } else {
    digits();
  }
  bool integral = true;
  if (next_is('.')) {
    ++at_;
    integral = false;
    if (at_end() || !is_digit(text_[at_])) unexpected(at_, "a digit after '.'");
    digits();
  }
  if (next_is('e') || next_is('E')) {
    ++at_;
    integral = false;
    if (next_is('+') || next_is('-')) ++at_;
    if (at_end() || !is_digit(text_[at_])) unexpected(at_, "a digit in the exponent");
    digits();
  }
  const std::string_view token = text_.substr(start, at_ - start);
  JsonValue number;
  if (integral && std::from_chars(token.data(), token.data() + token.size(), number.integer_).ec == std::errc{}) {
    number.type_ = JsonType::integer;
  } else {
    number.type_ = JsonType::number;
    number.number_ = to_double(token);
  }
  push(number);
}

void JsonParser::digits() {
  while (!at_end() && is_digit(text_[at_])) ++at_;
}

void JsonParser::literal(std::string_view word, JsonValue value) {
  for (const char expected : word) {
    if (!next_is(expected)) unexpected(at_, std::string("the literal ") + std::string(word));
    ++at_;
  }
  push(value);
}

JsonValue JsonParser::string_value(std::string_view text) {
  JsonValue value;
  value.type_ = JsonType::string;
  value.text_ = text.data();
  value.size_ = static_cast<std::uint32_t>(text.size());
  return value;
}

JsonValue JsonParser::boolean_value(bool boolean) {
  JsonValue value;
  value.type_ = JsonType::boolean;
  value.boolean_ = boolean;
  return value;
}

void JsonParser::skip_space() {
  while (!at_end() && is_space(text_[at_])) ++at_;
}

void JsonParser::fail(std::size_t at, const std::string& problem) const { throw JsonError(at + 1, problem); }

void JsonParser::unexpected(std::size_t at, const std::string& expected) const {
  const std::string found = at == text_.size() ? "end of input" : shown(static_cast<unsigned char>(text_[at]));
  fail(at, "unexpected " + found + "; expected " + expected);
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

// Called before a read, as the values of the last one are in use until then.
void JsonReader::release_oversized() {
  if (values_.capacity() > kKeptValues) std::vector<JsonValue>().swap(values_);
  if (pending_.capacity() > kKeptValues) std::vector<JsonValue>().swap(pending_);
  if (decoded_.capacity() > kKeptDecodedBytes) std::string().swap(decoded_);
}

// While reading, items are found by index, as values_ may move as it grows; now it no longer does.
void JsonReader::link_items() {
  for (JsonValue& value : values_) {
    if (value.type_ == JsonType::array || value.type_ == JsonType::object) value.items_ = values_.data() + value.first_;
  }
}

}  // namespace ie::http
