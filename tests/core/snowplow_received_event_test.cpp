// Events from Snowplow trackers: what is counted, what is refused, what is forwarded.
#include <doctest/doctest.h>

#include "core/snowplow/payload.hpp"
#include "core/snowplow/received_event.hpp"

using namespace ie;
using namespace ie::snowplow;
using nlohmann::json;

namespace {

json standard_contexts(json data) {
  return {{"schema", "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"},
          {"data", json::array({{{"schema", "iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7"}, {"data", std::move(data)}}})}};
}

ReceivedEvent read(const json& fields) {
  auto result = read_received_event(fields);
  REQUIRE(std::holds_alternative<ReceivedEvent>(result));
  return std::get<ReceivedEvent>(std::move(result));
}

std::string problem(const json& fields) {
  auto result = read_received_event(fields);
  REQUIRE(std::holds_alternative<std::string>(result));
  return std::get<std::string>(result);
}

const Pseudonyms kPseudonyms{[](std::int64_t id) { return "user-" + std::to_string(id); },
                             [](std::int64_t id) { return "global-" + std::to_string(id); }};

}  // namespace

TEST_CASE("a structured event becomes an internal event: se_ac, se_la, se_pr, se_va, and the context's identifiers") {
  const json fields = {{"e", "se"},       {"p", "web"},        {"tv", "js-4"}, {"eid", "abc"}, {"se_ca", "Cat"}, {"se_ac", "pull_package"},
                       {"se_la", "npm"}, {"se_pr", "token"}, {"se_va", "2"},
                       {"cx", base64url(standard_contexts({{"user_id", 5}, {"project_id", "7"}}).dump())}};
  const ReceivedEvent event = read(fields);
  REQUIRE(event.structured);
  CHECK(event.structured->name == "pull_package");
  CHECK(std::get<std::string>(event.structured->properties.find("label")->second) == "npm");
  CHECK(std::get<std::int64_t>(event.structured->properties.find("value")->second) == 2);
  CHECK(event.category == "Cat");
  CHECK(event.eid == "abc");
  CHECK(event.claimed_user == 5);
  CHECK(event.claimed_project == 7);
  CHECK_FALSE(event.claimed_namespace);
  CHECK(std::get<double>(read({{"e", "se"}, {"p", "web"}, {"tv", "t"}, {"se_ac", "x"}, {"se_va", "2.5"}}).structured->properties.find("value")->second) == 2.5);
  CHECK_FALSE(read({{"e", "pv"}, {"p", "web"}, {"tv", "t"}}).structured);
}

TEST_CASE("malformed events are refused, naming the field") {
  CHECK(problem(json::array()) == "an event must be an object of strings");
  CHECK(problem({{"e", "se"}, {"p", "web"}}) == "the event has no tv");
  CHECK(problem({{"e", "se"}, {"p", "web"}, {"tv", "t"}}) == "a structured event (e=se) needs se_ac");
  CHECK(problem({{"e", "se"}, {"p", "web"}, {"tv", 1}}) == "field tv must be a string, not number");
  CHECK(problem({{"e", "se"}, {"p", "web"}, {"tv", "t"}, {"se_ac", "x"}, {"se_va", "lots"}}) == "se_va must be a number, not 'lots'");
  CHECK(problem({{"e", "pv"}, {"p", "web"}, {"tv", "t"}, {"cx", "%%"}}) == "cx is not base64");
  CHECK(problem({{"e", "pv"}, {"p", "web"}, {"tv", "t"}, {"co", "[1]"}}) == "co is not a contexts envelope");
  CHECK(std::get<std::string>(payload_data_events(json{{"schema", "x"}, {"data", json::array()}})).starts_with("schema must be"));
  CHECK(std::get<std::string>(payload_data_events(json{{"schema", "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"}})) ==
        "data must be a non-empty array of events");
}

TEST_CASE("a tp2 body that is not JSON is a problem to answer with 400, never an exception") {
  const auto problem_of = [](std::string_view body) { return std::get<std::string>(parse_payload_body(body)); };
  CHECK(problem_of(R"({"schema":)") == "malformed JSON at byte 11: the body must be a payload_data object");
  // nlohmann throws out_of_range, not parse_error, for these: the receiver answered 500 (found by the tp2 fuzzer).
  CHECK(problem_of("799e470") == "malformed JSON: number overflow parsing '799e470': the body must be a payload_data object");
  CHECK(problem_of(R"({"data": [-1e400]})") ==
        "malformed JSON: number overflow parsing '-1e400': the body must be a payload_data object");
  // nlohmann stops at a NUL byte as at the end of the input, so "{}\0x" read as {}.
  CHECK(problem_of(std::string_view("{}\0x", 4)) == "malformed JSON at byte 3: the body must be a payload_data object");
  CHECK(std::get<json>(parse_payload_body(R"({"a": [1e300]})")) == json{{"a", {1e300}}});
}

// nlohmann parses deep nesting with a stack of its own, but copies and dumps recurse: a tp2 body of
// 200000 '[' (found by the tp2 fuzzer), or contexts as deep, overflowed the receiver's stack.
TEST_CASE("JSON nested deeper than 64 is refused, in the body and in cx or co") {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  CHECK(std::get<std::string>(parse_payload_body(R"({"data":)" + deep + "}")) ==
        "malformed JSON at byte 72: the body nests more than 64 arrays and objects inside each other");
  const std::string deepest = std::string(63, '[') + std::string(63, ']');
  CHECK(std::holds_alternative<json>(parse_payload_body(R"({"data":)" + deepest + "}")));
  CHECK(std::holds_alternative<json>(parse_payload_body(R"({"data": "[[[[)" + std::string(100, '[') + R"(\"[[[", "[": 1})")));
  CHECK(problem({{"e", "pv"}, {"p", "web"}, {"tv", "t"}, {"co", R"({"data":[)" + deep + "]}"}}) ==
        "co nests more than 64 arrays and objects inside each other");
  CHECK(problem({{"e", "pv"}, {"p", "web"}, {"tv", "t"}, {"cx", base64url(R"({"data":[)" + deep + "]}")}}) ==
        "cx nests more than 64 arrays and objects inside each other");
}

TEST_CASE("forwarded as it came, without stm, with raw user ids replaced by their pseudonyms") {
  const json contexts = standard_contexts({{"user_id", 5}, {"global_user_id", 6}, {"project_id", 7}});
  const ReceivedEvent event = read({{"e", "se"}, {"p", "web"}, {"tv", "t"}, {"se_ac", "x"}, {"stm", "1"}, {"uid", "42"}, {"cx", base64url(contexts.dump())}});
  const json forwarded = json::parse(forwarded_event_json(event, kPseudonyms));
  CHECK_FALSE(forwarded.contains("stm"));
  CHECK(forwarded["uid"] == "user-42");
  const json standard = json::parse(*decode_base64(forwarded["cx"].get<std::string>()))["data"][0]["data"];
  CHECK(standard["user_id"] == "user-5");
  CHECK(standard["global_user_id"] == "global-6");
  CHECK(standard["project_id"] == 7);

  const ReceivedEvent named = read({{"e", "pv"}, {"p", "web"}, {"tv", "t"}, {"uid", "alice@example.com"}, {"co", standard_contexts({{"user_id", "pseudo"}}).dump()}});
  const json kept = json::parse(forwarded_event_json(named, kPseudonyms));
  CHECK(kept["uid"] == "alice@example.com");  // not a raw integer id: ours to leave alone
  CHECK(json::parse(kept["co"].get<std::string>())["data"][0]["data"]["user_id"] == "pseudo");
}

TEST_CASE("se_va follows JSON's number grammar") {
  const auto value = [](const char* text) {
    return read({{"e", "se"}, {"p", "web"}, {"tv", "t"}, {"se_ac", "x"}, {"se_va", text}}).structured->properties.find("value")->second;
  };
  CHECK(std::get<double>(value("-1.5e3")) == -1500);
  CHECK(std::get<std::int64_t>(value("-7")) == -7);
  for (const char* bad : {"1.", ".5", "01x", "1e", "--1", "0x10", " 1"}) {
    CHECK_MESSAGE(problem({{"e", "se"}, {"p", "web"}, {"tv", "t"}, {"se_ac", "x"}, {"se_va", bad}}).starts_with("se_va must be a number"), bad);
  }
}
