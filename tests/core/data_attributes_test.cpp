#include <doctest/doctest.h>

#include <initializer_list>

#include "core/data_attributes.hpp"

using namespace ie;

namespace {

EventInput parsed(const DataAttributes& attributes) {
  auto result = parse_data_attributes(attributes);
  REQUIRE(std::holds_alternative<EventInput>(result));
  return std::get<EventInput>(result);
}

}  // namespace

TEST_CASE("value \"0\" is the number 0 and \"2.5\" is 2.5, not dropped and not text") {
  auto zero = parsed({"click", std::nullopt, std::nullopt, "0", {}});
  CHECK(zero.properties.at("value") == Scalar{std::int64_t{0}});
  auto fraction = parsed({"click", std::nullopt, std::nullopt, "2.5", {}});
  CHECK(fraction.properties.at("value") == Scalar{2.5});
  CHECK(parse_attribute_number(" -12 ") == Scalar{std::int64_t{-12}});
  CHECK(parse_attribute_number("1e3") == Scalar{std::int64_t{1000}});
  CHECK(parse_attribute_number("9007199254740993") == Scalar{9007199254740993.0});
}

TEST_CASE("text that is not a number is rejected, naming the attribute") {
  for (const char* text : {"", " ", "abc", "1,5", "0x10", "NaN", "Infinity", "1e400", "+1", ".5", "1.", "01", "2.5px"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_attribute_number(text));
  }
  const auto result = parse_data_attributes({"click", std::nullopt, std::nullopt, "ten", {}});
  REQUIRE(std::holds_alternative<DataAttributeError>(result));
  CHECK(std::get<DataAttributeError>(result).field == "data-event-value");
  CHECK(std::get<DataAttributeError>(result).message == "data-event-value must be a number, not \"ten\"");
}

TEST_CASE("an empty event name sends nothing") {
  CHECK(std::holds_alternative<NothingToSend>(parse_data_attributes({"", "l", std::nullopt, "1", {}})));
  CHECK(std::holds_alternative<NothingToSend>(parse_data_attributes({"  ", std::nullopt, std::nullopt, std::nullopt, {}})));
  CHECK(blank_event_name(""));
  CHECK(blank_event_name(" \t\n"));
  CHECK_FALSE(blank_event_name(" a "));
}

TEST_CASE("label and property are text as written; their attributes win over data-event-additional") {
  const auto event = parsed({"click", "", "42", std::nullopt,
                             {{"label", std::string("from additional")}, {"source", std::string("header")}, {"count", std::int64_t{3}}}});
  CHECK(event.name == "click");
  CHECK(event.properties.at("label") == Scalar{std::string("")});
  CHECK(event.properties.at("property") == Scalar{std::string("42")});
  CHECK(event.properties.at("source") == Scalar{std::string("header")});
  CHECK(event.properties.at("count") == Scalar{std::int64_t{3}});
  CHECK(event.properties.count("value") == 0);
  CHECK(event.identifiers.empty());
}
