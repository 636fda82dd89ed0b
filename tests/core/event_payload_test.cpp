#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/event_payload.hpp"
#include "core/json_writer.hpp"

using namespace ie;
using nlohmann::json;

TEST_CASE("a UUID v4 from 16 random bytes: version 4, variant 10, lowercase 8-4-4-4-12") {
  UuidBytes zeros{};
  CHECK(format_uuid_v4(zeros) == "00000000-0000-4000-8000-000000000000");
  UuidBytes ones;
  ones.fill(0xff);
  CHECK(format_uuid_v4(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
  const UuidBytes counting{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  CHECK(format_uuid_v4(counting) == "00112233-4455-4677-8899-aabbccddeeff");
}

TEST_CASE("an event payload in the receiver's shape, read back by a real JSON parser") {
  Event event{"click_button", 7, 42, std::nullopt, {{"label", std::string("menu \"top\"\n")}, {"value", std::int64_t{0}}, {"ratio", 2.5}}};
  const std::string text = event_payload_json(event, "00112233-4455-4677-8899-aabbccddeeff");
  CHECK(text ==
        R"({"event":"click_button","eid":"00112233-4455-4677-8899-aabbccddeeff","user_id":7,"project_id":42,)"
        R"("additional_properties":{"label":"menu \"top\"\n","ratio":2.5,"value":0}})");
  const auto parsed = json::parse(text);
  CHECK(parsed["additional_properties"]["label"] == "menu \"top\"\n");
  CHECK(parsed["additional_properties"]["value"].is_number_integer());
  CHECK_FALSE(parsed.contains("namespace_id"));
  CHECK_FALSE(parsed.contains("category"));
}

TEST_CASE("an event without properties has no additional_properties; a category is carried when given") {
  const Event event{"viewed_page", std::nullopt, std::nullopt, std::int64_t{3}, {}};
  CHECK(event_payload_json(event, "e", "Projects") ==
        R"({"event":"viewed_page","eid":"e","namespace_id":3,"category":"Projects"})");
}

TEST_CASE("strings are escaped so that any text survives, non-finite numbers become null") {
  std::string out;
  append_json_string(out, std::string("a\\b\x01\x1f\t\r/\xc3\xa9", 10));
  CHECK(out == "\"a\\\\b\\u0001\\u001f\\t\\r/\xc3\xa9\"");
  CHECK(json::parse(out) == std::string("a\\b\x01\x1f\t\r/\xc3\xa9", 10));
  out.clear();
  append_json_scalar(out, 1.0 / 0.0);
  CHECK(out == "null");
  out.clear();
  append_json_scalar(out, true);
  CHECK(out == "true");
}

TEST_CASE("the batch body wraps the joined events, and its overhead is known in advance") {
  const std::string events = R"({"event":"a","eid":"1"},{"event":"b","eid":"2"})";
  const std::string body = batch_body_json(events, "tok\"en");
  CHECK(body == R"({"events":[{"event":"a","eid":"1"},{"event":"b","eid":"2"}],"identity":"tok\"en"})");
  CHECK(json::parse(body)["events"].size() == 2);
  CHECK(batch_body_overhead("tok\"en") == body.size() - events.size());
  CHECK(batch_body_json("", "") == R"({"events":[]})");
  CHECK(batch_body_overhead("") == std::string(R"({"events":[]})").size());
}
