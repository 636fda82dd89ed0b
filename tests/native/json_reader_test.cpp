#include <doctest/doctest.h>

#include <string>

#include "native/http/json_reader.hpp"

using namespace ie::http;
using namespace std::string_view_literals;

namespace {

struct Problem {
  std::size_t byte = 0;
  std::string message;
};

// The error reading `text` gives; none is a failure.
Problem problem_of(std::string_view text) {
  JsonReader reader;
  try {
    reader.read(text);
  } catch (const JsonError& error) {
    return Problem{error.byte(), error.what()};
  }
  FAIL("no error for ", std::string(text));
  return {};
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("every type reads as itself") {
  JsonReader reader;
  const JsonValue& root =
      reader.read(R"( {"n": null, "t": true, "f": false, "i": -42, "d": 2.5, "s": "text", "a": [1, [], {}], "o": {"k": "v"}} )");
  REQUIRE(root.is_object());
  CHECK(root.items().size() == 8);
  CHECK(root.find("n")->is_null());
  CHECK(root.find("t")->boolean());
  CHECK(root.find("f")->type() == JsonType::boolean);
  CHECK_FALSE(root.find("f")->boolean());
  CHECK(root.find("i")->type() == JsonType::integer);
  CHECK(root.find("i")->integer() == -42);
  CHECK(root.find("d")->type() == JsonType::number);
  CHECK(root.find("d")->number() == 2.5);
  CHECK(root.find("s")->string() == "text");
  const JsonValue& array = *root.find("a");
  REQUIRE(array.is_array());
  REQUIRE(array.items().size() == 3);
  CHECK(array.items()[0].integer() == 1);
  CHECK(array.items()[1].is_array());
  CHECK(array.items()[1].items().empty());
  CHECK(array.items()[2].is_object());
  CHECK(root.find("o")->find("k")->string() == "v");
  CHECK(root.find("missing") == nullptr);
  CHECK(root.items()[0].key() == "n");
  CHECK(root.items()[7].key() == "o");
}

TEST_CASE("a scalar can be the whole document") {
  JsonReader reader;
  CHECK(reader.read("null").is_null());
  CHECK(reader.read(" \t\r\n17 \n").integer() == 17);
  CHECK(reader.read(R"("alone")").string() == "alone");
  CHECK(reader.read("[]").items().empty());
  CHECK(reader.read("{}").items().empty());
}

TEST_CASE("type names are nlohmann's, which answers quote") {
  JsonReader reader;
  const JsonValue& root = reader.read(R"([null, true, 1, 1.5, "s", [], {}])");
  const char* names[] = {"null", "boolean", "number", "number", "string", "array", "object"};
  for (std::size_t i = 0; i < root.items().size(); ++i) CHECK(std::string(root.items()[i].type_name()) == names[i]);
}

TEST_CASE("find needs an object and gives the last of repeated keys") {
  JsonReader reader;
  const JsonValue& root = reader.read(R"({"a": 1, "b": 2, "a": 3})");
  CHECK(root.items().size() == 3);
  CHECK(root.find("a")->integer() == 3);
  CHECK(root.find("b")->integer() == 2);
  CHECK(reader.read("[1]").find("a") == nullptr);
  CHECK(reader.read(R"("a")").find("a") == nullptr);
}

TEST_CASE("strings without escapes are views into the text") {
  const std::string text = R"({"key": "value", "é": "日本"})";
  JsonReader reader;
  const JsonValue& root = reader.read(text);
  const JsonValue& value = *root.find("key");
  CHECK(value.string() == "value");
  CHECK(value.string().data() >= text.data());
  CHECK(value.string().data() < text.data() + text.size());
  CHECK(root.items()[0].key().data() == text.data() + 2);
  CHECK(root.find("é")->string() == "日本");
}

TEST_CASE("escapes are decoded, \\u to UTF-8 and surrogate pairs joined") {
  JsonReader reader;
  CHECK(reader.read(R"("a\"b\\c\/d\be\ff\ng\rh\ti")").string() == "a\"b\\c/d\be\ff\ng\rh\ti");
  CHECK(reader.read(R"("\u0041\u00e9\u20AC")").string() == "Aé€");
  CHECK(reader.read(R"("\uD83D\uDE00!")").string() == "\xF0\x9F\x98\x80!");
  CHECK(reader.read(R"("\uDBFF\uDFFF")").string() == "\xF4\x8F\xBF\xBF");
  CHECK(reader.read(R"("a\u0000b")").string() == "a\0b"sv);
  CHECK(reader.read(R"({"ev\u0065nt": "x"})").find("event")->string() == "x");
}

TEST_CASE("decoded strings stay valid while more are decoded") {
  std::string text = "[";
  for (int i = 0; i < 2000; ++i) text.append(i ? "," : "").append(R"("\u0041)").append(std::to_string(i)).append(R"(\n")");
  text += "]";
  JsonReader reader;
  const JsonValue& root = reader.read(text);
  REQUIRE(root.items().size() == 2000);
  for (int i = 0; i < 2000; ++i) {
    const std::string expected = std::string("A").append(std::to_string(i)).append("\n");
    CHECK(root.items()[static_cast<std::size_t>(i)].string() == expected);
  }
}

TEST_CASE("integers that fit int64 stay integers; other numbers are doubles") {
  JsonReader reader;
  const JsonValue& root =
      reader.read("[0, -0, 9223372036854775807, -9223372036854775808, 9223372036854775808, 18446744073709551615, "
                  "100000000000000000000000, 1e2, 1.5, -2.5E-3, 1E+2, 0.1, 1e-400]");
  const auto items = root.items();
  CHECK(items[0].type() == JsonType::integer);
  CHECK(items[0].integer() == 0);
  CHECK(items[1].type() == JsonType::integer);
  CHECK(items[1].integer() == 0);
  CHECK(items[2].integer() == INT64_MAX);
  CHECK(items[3].integer() == INT64_MIN);
  CHECK(items[4].type() == JsonType::number);
  CHECK(items[4].number() == 9223372036854775808.0);
  CHECK(items[5].type() == JsonType::number);
  CHECK(items[5].number() == 18446744073709551615.0);
  CHECK(items[6].number() == 1e23);
  CHECK(items[7].type() == JsonType::number);
  CHECK(items[7].number() == 100.0);
  CHECK(items[8].number() == 1.5);
  CHECK(items[9].number() == -2.5e-3);
  CHECK(items[10].number() == 100.0);
  CHECK(items[11].number() == 0.1);
  CHECK(items[12].number() == 0.0);  // underflow is zero, as nlohmann had it
}

TEST_CASE("a number beyond double's range is an error of its own") {
  JsonReader reader;
  for (const auto& [text, message] : {std::pair{"1e400"sv, "number overflow parsing '1e400'"sv},
                                      std::pair{R"({"v": [-1.5E+999]})"sv, "number overflow parsing '-1.5E+999'"sv}}) {
    try {
      reader.read(text);
      FAIL("no overflow for ", std::string(text));
    } catch (const JsonNumberOverflow& error) {
      CHECK(error.what() == message);
    }
  }
  CHECK(reader.read("[" + std::string(300, '9') + "]").items()[0].number() > 9e299);  // within double's range
  CHECK_THROWS_AS(reader.read("1" + std::string(400, '0')), JsonNumberOverflow);
}

TEST_CASE("malformed documents name the byte, counted from 1, the end being one past the last") {
  struct Case {
    std::string_view text;
    std::size_t byte;
    std::string_view says;
  };
  const Case cases[] = {
      {"", 1, "unexpected end of input; expected a value"},
      {"   ", 4, "unexpected end of input"},
      {R"({"event": x})", 11, "unexpected 'x'; expected a value"},
      {R"({"events": [)", 13, "unexpected end of input"},
      {"[1,]", 4, "unexpected ']' after ','"},
      {R"({"a": 1,})", 9, "unexpected '}' after ','"},
      {"[1 2]", 4, "expected ',' or ']'"},
      {R"({"a": 1 "b": 2})", 9, "expected ',' or '}'"},
      {R"({"a" 1})", 6, "expected ':'"},
      {"{1: 2}", 2, "expected a string naming a member"},
      {R"({"a": 1}x)", 9, "unexpected 'x'; expected the end of the input"},
      {"[] []", 4, "expected the end of the input"},
      {"[01]", 3, "must not start with 0"},
      {"-", 2, "expected a digit"},
      {"-a", 2, "expected a digit"},
      {"1.", 3, "a digit after '.'"},
      {"1.e5", 3, "a digit after '.'"},
      {"1e", 3, "a digit in the exponent"},
      {"1e+", 4, "a digit in the exponent"},
      {".5", 1, "expected a value"},
      {"+1", 1, "expected a value"},
      {"tru", 4, "unexpected end of input; expected the literal true"},
      {"nul}", 4, "unexpected '}'; expected the literal null"},
      {"True", 1, "expected a value"},
      {"fals", 5, "the literal false"},
      {R"("abc)", 5, "unexpected end of input; expected '\"' closing the string"},
      {"\"a\x01z\"", 3, "control character byte 0x01"},
      {"\"a\nz\"", 3, "control character byte 0x0A"},
      {R"("\q")", 3, "invalid escape: 'q'"},
      {R"("\)", 3, "unexpected end of input"},
      {R"("\u12G4")", 6, "4 hex digits"},
      {R"("\u12)", 6, "unexpected end of input"},
      {R"("\uDC00")", 7, "low surrogate"},
      {R"("\uD800")", 8, "high surrogate"},
      {R"("\uD800\u0041")", 8, "high surrogate"},
      {R"("\uD800x")", 8, "high surrogate"},
      {"\"\xFF\"", 2, "ill-formed UTF-8: byte 0xFF cannot start"},
      {"\"\xC0\x80\"", 2, "ill-formed UTF-8"},           // overlong
      {"\"\xE0\x80\x80\"", 3, "ill-formed UTF-8"},       // overlong
      {"\"\xED\xA0\x80\"", 3, "ill-formed UTF-8"},       // a surrogate
      {"\"\xF4\x90\x80\x80\"", 3, "ill-formed UTF-8"},   // above U+10FFFF
      {"\"\xE2\x82\"", 4, "'\"' in a character begun by byte 0xE2"},  // the quote where a continuation belongs
      {"\"\xE2\x82", 4, "the end of input in a character begun by byte 0xE2"},
      {"\"\x80\"", 2, "cannot start a character"},
      {"\xEF\xBB\xBF{}", 1, "unexpected byte 0xEF"},     // a byte order mark is not JSON
      {"[1,\n2,\n]", 8, "after ','"},
  };
  for (const Case& expected : cases) {
    CAPTURE(expected.text);
    const Problem problem = problem_of(expected.text);
    CHECK(problem.byte == expected.byte);
    CHECK_MESSAGE(contains(problem.message, expected.says), problem.message);
  }
}

TEST_CASE("well-formed UTF-8 of every length is taken as it is, escaped or not") {
  JsonReader reader;
  CHECK(reader.read("\"\xC2\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"").string() == "© € 😀 \xF4\x8F\xBF\xBF");
  CHECK(reader.read("\"\\n\xC2\xA9\xED\x9F\xBF\"").string() == "\n©\xED\x9F\xBF");
  CHECK(reader.read("\"\x7F\"").string() == "\x7F");
}

TEST_CASE("nesting is limited, so hostile input cannot exhaust the stack") {
  JsonReader reader;
  const std::string deepest = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  const JsonValue* value = &reader.read(deepest);
  for (int level = 1; level < kMaxJsonDepth; ++level) value = &value->items()[0];
  CHECK(value->items().empty());

  const Problem too_deep = problem_of(std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']'));
  CHECK(too_deep.byte == kMaxJsonDepth + 1);
  CHECK(contains(too_deep.message, "more than 64 arrays and objects inside each other"));
  CHECK(problem_of(std::string(100000, '[')).byte == kMaxJsonDepth + 1);
  CHECK(problem_of(R"({"a":)" + std::string(100000, '[')).byte == kMaxJsonDepth + 5);
}

TEST_CASE("a reader is reused: each read replaces the last, also after an error") {
  JsonReader reader;
  CHECK(reader.read(R"({"events": [{"event": "a\u0041"}]})").find("events")->items()[0].find("event")->string() == "aA");
  CHECK_THROWS_AS(reader.read(R"({"events": [)"), JsonError);
  const JsonValue& root = reader.read(R"({"events": [{"event": "b\u0042"}, {"event": "c"}]})");
  const auto events = root.find("events")->items();
  REQUIRE(events.size() == 2);
  CHECK(events[0].find("event")->string() == "bB");
  CHECK(events[1].find("event")->string() == "c");
}

TEST_CASE("a batch of events reads into the values the receiver uses") {
  std::string body = R"({"identity": "token", "events": [)";
  for (int i = 0; i < 50; ++i) {
    body.append(i ? "," : "")
        .append(R"({"event":"i_code_review_user_apply_suggestion","eid":"0b7c1e9a-5f2d-4c3e-9a1b-2d3c4e5f6a7b","user_id":)")
        .append(std::to_string(i))
        .append(R"(,"project_id":7,"additional_properties":{"label":"diff","value":1.5}})");
  }
  body += "]}";
  JsonReader reader;
  const JsonValue& root = reader.read(body);
  CHECK(root.find("identity")->string() == "token");
  const auto events = root.find("events")->items();
  REQUIRE(events.size() == 50);
  CHECK(events[49].find("user_id")->integer() == 49);
  CHECK(events[49].find("additional_properties")->find("value")->number() == 1.5);
  CHECK(events[0].find("event")->string() == "i_code_review_user_apply_suggestion");
}

// Plain bytes are scanned eight at a time: a byte that ends or breaks the run must be seen at every
// place in such a window, and after runs of every length.
TEST_CASE("a quote, backslash, control or non-ASCII byte is seen wherever it falls in a run") {
  JsonReader reader;
  for (std::size_t run = 0; run <= 24; ++run) {
    const std::string plain(run, 'a');
    CAPTURE(run);
    CHECK(reader.read("\"" + plain + "\"").string() == plain);
    CHECK(reader.read("\"" + plain + "\\n" + plain + "\"").string() == plain + "\n" + plain);
    CHECK(reader.read("\"" + plain + "\xc3\xa9" + plain + "\"").string() == plain + "\xc3\xa9" + plain);
    CHECK(reader.read("\"" + plain + "\x7f~ \"").string() == plain + "\x7f~ ");  // the edges of plain ASCII
    CHECK(problem_of("\"" + plain + "\x01" + plain + "\"").byte == run + 2);
    CHECK(problem_of("\"" + plain + "\xff" + plain + "\"").byte == run + 2);
    CHECK(problem_of("\"" + plain).byte == run + 2);  // unterminated: the end, one past the last byte
  }
}
