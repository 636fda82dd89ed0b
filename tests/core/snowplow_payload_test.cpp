// The Snowplow copy of an event as core builds it, read back by a real JSON parser.
#include <doctest/doctest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "core/snowplow/payload.hpp"

using namespace ie;
using namespace ie::snowplow;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

const std::vector<std::string> kStandardFields = {"environment", "source", "correlation_id", "plan", "extra", "user_id", "global_user_id",
                                                  "user_type", "is_gitlab_team_member", "namespace_id", "ultimate_parent_namespace_id",
                                                  "project_id", "feature_enabled_by_namespace_ids", "realm", "deployment_type",
                                                  "instance_id", "unique_instance_id", "host_name", "instance_version",
                                                  "context_generated_at"};

Event pull_event() {
  return Event{"pull_package", 7, 42, 9,
               {{"label", std::string("npm")}, {"property", std::string("deploy_token")}, {"value", 2.5}, {"registry", std::string("eu")}}};
}

EventCopy copy_of(const Event& event) {
  EventCopy copy{&event, Origin::backend, "", "00112233-4455-4677-8899-aabbccddeeff", 1733472000123};
  copy.user_id = std::string(43, 'A') + "=";
  return copy;
}

json contexts_of(const json& event) { return json::parse(*decode_base64(event["cx"].get<std::string>())); }

json standard_of(const Event& event, const EventCopy& copy, const Installation& installation = {}) {
  (void)event;
  return contexts_of(json::parse(structured_event_json(copy, installation)))["data"][0]["data"];
}

std::vector<std::string> keys_of(const ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.push_back(key);
  return keys;
}

}  // namespace

TEST_CASE("base64 and base64url follow RFC 4648's test vectors") {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},    {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64(plain) == encoded);
    CHECK(decode_base64(encoded) == std::string(plain));
    std::string unpadded = encoded;
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    CHECK(base64url(plain) == unpadded);
    CHECK(decode_base64(unpadded) == std::string(plain));
  }
  // The two characters where the alphabets differ, from bytes that use both.
  CHECK(base64url("\xfb\xff") == "-_8");
  CHECK(base64("\xfb\xff") == "+/8=");
  CHECK(decode_base64("-_8") == std::string("\xfb\xff"));
  CHECK(decode_base64("+/8") == std::string("\xfb\xff"));
  CHECK(decode_base64("-_8=") == std::string("\xfb\xff"));
  CHECK(decode_base64("+/8=") == std::string("\xfb\xff"));
}

TEST_CASE("every byte value survives both encodings, at every length modulo three") {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (std::size_t length = 0; length <= bytes.size(); length += (length < 8 ? 1 : 61)) {
    const std::string plain = bytes.substr(bytes.size() - length);  // ends with 0xff, the sextets 62 and 63
    const std::string url = base64url(plain);
    CHECK(url.find_first_of("+/=") == std::string::npos);
    CHECK(base64(plain).size() % 4 == 0);
    CHECK(decode_base64(url) == plain);
    CHECK(decode_base64(base64(plain)) == plain);
  }
}

TEST_CASE("decode_base64 refuses what is not base64") {
  for (const char* garbage : {"Zm9v!", "Z", "Zm9vY", "Zm 9v", "Zm9v\n", "=Zg", "Z=g=", "Zg=", "Zm9v=", "Zm9v====", "Zg===",
                              "Zm8==", "\xc3\xa9Zg", "Zm9v.", "Zg==Zg=="}) {
    CHECK_MESSAGE(!decode_base64(garbage), garbage);
  }
  CHECK(decode_base64(std::string_view("Zm\0v", 4)) == std::nullopt);
}

TEST_CASE("timestamps are ISO 8601 in UTC with milliseconds") {
  CHECK(iso_timestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso_timestamp(1733472000123) == "2024-12-06T08:00:00.123Z");
  CHECK(iso_timestamp(951782400000) == "2000-02-29T00:00:00.000Z");
  CHECK(iso_timestamp(1709251199999) == "2024-02-29T23:59:59.999Z");
  CHECK(iso_timestamp(253402300799999) == "9999-12-31T23:59:59.999Z");
  // Before the epoch the day and the time of day both count back: no negative fields.
  CHECK(iso_timestamp(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(iso_timestamp(-86'400'000) == "1969-12-31T00:00:00.000Z");
  CHECK(iso_timestamp(-86'400'001) == "1969-12-30T23:59:59.999Z");
  CHECK(iso_timestamp(-2208988800000) == "1900-01-01T00:00:00.000Z");
  CHECK(iso_timestamp(-2208988799877) == "1900-01-01T00:00:00.123Z");
}

TEST_CASE("the structured event: every value a string, se_va as text, label and property only when set") {
  const Event event = pull_event();
  const json payload = json::parse(structured_event_json(copy_of(event), Installation{}));
  for (const auto& [key, value] : payload.items()) CHECK_MESSAGE(value.is_string(), key);
  CHECK(payload["e"] == "se");
  CHECK(payload["eid"] == "00112233-4455-4677-8899-aabbccddeeff");
  CHECK(payload["tv"] == kTrackerVersion);
  CHECK(payload["p"] == "srv");
  CHECK(payload["aid"] == "internal-events");
  CHECK(payload["tna"] == "internal-events");
  CHECK(payload["dtm"] == "1733472000123");
  CHECK(payload["se_ca"] == "InternalEventTracking");
  CHECK(payload["se_ac"] == "pull_package");
  CHECK(payload["se_la"] == "npm");
  CHECK(payload["se_pr"] == "deploy_token");
  CHECK(payload["se_va"] == "2.5");
  CHECK_FALSE(payload.contains("stm"));  // the emitter sets it when it sends

  const Event bare{"pull_package", std::nullopt, std::nullopt, std::nullopt, {{"value", std::int64_t{0}}}};
  EventCopy copy{&bare, Origin::browser, "Custom", "e", 0};
  const json minimal = json::parse(structured_event_json(copy, Installation{.app_id = "shop", .tracker_namespace = "gl"}));
  CHECK_FALSE(minimal.contains("se_la"));
  CHECK_FALSE(minimal.contains("se_pr"));
  CHECK(minimal["se_va"] == "0");  // zero is a value, not an absent one
  CHECK(minimal["se_ca"] == "Custom");
  CHECK(minimal["p"] == "web");
  CHECK(minimal["aid"] == "shop");
  CHECK(minimal["tna"] == "gl");
  CHECK(minimal["dtm"] == "0");
}

TEST_CASE("the structured event's members come in a fixed order") {
  const Event event = pull_event();
  const ordered_json payload = ordered_json::parse(structured_event_json(copy_of(event), Installation{}));
  CHECK(keys_of(payload) ==
        std::vector<std::string>{"e", "eid", "tv", "p", "aid", "tna", "dtm", "se_ca", "se_ac", "se_la", "se_pr", "se_va", "cx"});
  CHECK(structured_event_json(copy_of(event), Installation{}) == structured_event_json(copy_of(event), Installation{}));
}

TEST_CASE("se_va is the value's shortest round-trip text; a value that is no number is left out") {
  const auto va_of = [](Scalar value) {
    const Event event{"e", std::nullopt, std::nullopt, std::nullopt, {{"value", std::move(value)}}};
    const json payload = json::parse(structured_event_json(EventCopy{&event}, Installation{}));
    return payload.contains("se_va") ? std::optional<std::string>(payload["se_va"].get<std::string>()) : std::nullopt;
  };
  CHECK(va_of(3.0) == "3");
  CHECK(va_of(std::int64_t{3}) == "3");
  CHECK(va_of(0.1) == "0.1");
  CHECK(va_of(-2.5) == "-2.5");
  CHECK(va_of(std::int64_t{-9007199254740993}) == "-9007199254740993");
  CHECK(va_of(std::string("5")) == std::nullopt);
  CHECK(va_of(true) == std::nullopt);
  CHECK(va_of(nullptr) == std::nullopt);
  CHECK(va_of(std::numeric_limits<double>::quiet_NaN()) == std::nullopt);
  CHECK(va_of(std::numeric_limits<double>::infinity()) == std::nullopt);

  // label and property are strings or nothing.
  const Event odd{"e", std::nullopt, std::nullopt, std::nullopt, {{"label", std::int64_t{1}}, {"property", nullptr}}};
  const json payload = json::parse(structured_event_json(EventCopy{&odd}, Installation{}));
  CHECK_FALSE(payload.contains("se_la"));
  CHECK_FALSE(payload.contains("se_pr"));
  CHECK_FALSE(payload.contains("se_va"));
}

TEST_CASE("cx carries the standard context with every field and the service-ping context") {
  const Event event = pull_event();
  Installation installation;
  installation.instance_id = "11111111-2222-4333-8444-555555555555";
  const std::string payload = structured_event_json(copy_of(event), installation);
  const std::string cx = json::parse(payload)["cx"];
  CHECK(cx.find_first_of("+/=") == std::string::npos);  // base64url, unpadded
  const json contexts = contexts_of(json::parse(payload));
  CHECK(contexts["schema"] == kContextsSchema);
  REQUIRE(contexts["data"].size() == 2);
  CHECK(contexts["data"][0]["schema"] == kStandardContextSchema);
  const json& standard = contexts["data"][0]["data"];
  CHECK(standard.size() == kStandardFields.size());
  for (const auto& field : kStandardFields) CHECK_MESSAGE(standard.contains(field), field);
  CHECK(standard["extra"] == json{{"registry", "eu"}});  // custom properties only
  CHECK(standard["user_id"] == std::string(43, 'A') + "=");
  CHECK(standard["global_user_id"].is_null());
  CHECK(standard["project_id"] == 42);
  CHECK(standard["namespace_id"] == 9);
  CHECK(standard["source"] == "internal-events-cpp");
  CHECK(standard["environment"] == "production");
  CHECK(standard["deployment_type"] == "self-managed");
  CHECK(standard["instance_version"] == INTERNAL_EVENTS_VERSION);
  CHECK(standard["instance_id"] == "11111111-2222-4333-8444-555555555555");
  CHECK(standard["context_generated_at"] == "2024-12-06T08:00:00.123Z");
  for (const char* unknown : {"plan", "user_type", "is_gitlab_team_member", "ultimate_parent_namespace_id",
                              "feature_enabled_by_namespace_ids", "unique_instance_id", "correlation_id", "realm", "host_name"}) {
    CHECK_MESSAGE(standard[unknown].is_null(), unknown);
  }
  CHECK(contexts["data"][1] == json{{"schema", kServicePingContextSchema}, {"data", {{"data_source", "redis_hll"}, {"event_name", "pull_package"}}}});
  CHECK(standard == json::parse(standard_context_json(copy_of(event), installation)));
}

TEST_CASE("the standard context's fields come in the 1-1-7 list's order, whatever is known") {
  const Event event = pull_event();
  CHECK(keys_of(ordered_json::parse(standard_context_json(copy_of(event), Installation{}))) == kStandardFields);

  EventCopy full = copy_of(event);
  full.global_user_id = std::string(43, 'B') + "=";
  full.correlation_id = "c0ffee";
  Installation installation{.environment = "staging", .instance_id = "i", .host_name = "gitlab.example.com", .realm = "saas"};
  const ordered_json standard = ordered_json::parse(standard_context_json(full, installation));
  CHECK(keys_of(standard) == kStandardFields);
  CHECK(standard["environment"] == "staging");
  CHECK(standard["correlation_id"] == "c0ffee");
  CHECK(standard["global_user_id"] == std::string(43, 'B') + "=");
  CHECK(standard["host_name"] == "gitlab.example.com");
  CHECK(standard["realm"] == "saas");
  CHECK(standard["instance_id"] == "i");
}

TEST_CASE("extra holds the custom properties, typed, and is {} without them") {
  const Event plain{"e", std::nullopt, std::nullopt, std::nullopt, {{"label", std::string("l")}, {"value", 1.5}}};
  const json standard = standard_of(plain, EventCopy{&plain});
  CHECK(standard["extra"] == json::object());
  CHECK(standard["user_id"].is_null());
  CHECK(standard["namespace_id"].is_null());
  CHECK(standard["project_id"].is_null());

  const Event typed{"e", std::nullopt, std::nullopt, std::nullopt,
                    {{"count", std::int64_t{3}}, {"ratio", 0.25}, {"flag", true}, {"none", nullptr}, {"quote", std::string("a\"b\\c\n\xc3\xa9")},
                     {"property", std::string("p")}}};
  CHECK(standard_of(typed, EventCopy{&typed})["extra"] ==
        json{{"count", 3}, {"ratio", 0.25}, {"flag", true}, {"none", nullptr}, {"quote", "a\"b\\c\n\xc3\xa9"}});
}

TEST_CASE("platform and source follow the event's origin") {
  CHECK(platform_of(Origin::backend) == "srv");
  CHECK(platform_of(Origin::browser) == "web");
  CHECK(platform_of(Origin::tp2) == "web");
  CHECK(source_of(Origin::backend) == "internal-events-cpp");
  CHECK(source_of(Origin::browser) == "internal-events-js");
  CHECK(source_of(Origin::tp2) == "snowplow-tracker");
  const Event event = pull_event();
  EventCopy copy = copy_of(event);
  copy.origin = Origin::browser;
  CHECK(standard_of(event, copy)["source"] == "internal-events-js");
}

TEST_CASE("names and properties that need escaping stay valid JSON inside and outside cx") {
  const Event event{"odd \"name\"\t\xe2\x9c\x93", std::nullopt, std::nullopt, std::nullopt, {{"label", std::string("</script>\x01")}}};
  const json payload = json::parse(structured_event_json(EventCopy{&event}, Installation{}));
  CHECK(payload["se_ac"] == "odd \"name\"\t\xe2\x9c\x93");
  CHECK(payload["se_la"] == "</script>\x01");
  CHECK(contexts_of(payload)["data"][1]["data"]["event_name"] == "odd \"name\"\t\xe2\x9c\x93");
}

TEST_CASE("the POST body gives each queued event its stm first and stays valid JSON") {
  const std::string body = payload_data_body({R"({"e":"se","eid":"a"})", "{}"}, 1733472000999);
  const json parsed = json::parse(body);
  CHECK(parsed["schema"] == kPayloadDataSchema);
  REQUIRE(parsed["data"].size() == 2);
  CHECK(parsed["data"][0] == json{{"stm", "1733472000999"}, {"e", "se"}, {"eid", "a"}});
  CHECK(parsed["data"][1] == json{{"stm", "1733472000999"}});
  CHECK(body == std::string(R"({"schema":")") + std::string(kPayloadDataSchema) +
                    R"(","data":[{"stm":"1733472000999","e":"se","eid":"a"},{"stm":"1733472000999"}]})");
}

TEST_CASE("the POST body: no events, an empty object with spaces, and a real structured event") {
  CHECK(json::parse(payload_data_body({}, 1)) == json{{"schema", kPayloadDataSchema}, {"data", json::array()}});
  CHECK(json::parse(payload_data_body({"{ }", "{\n}"}, 5))["data"] == json::array({{{"stm", "5"}}, {{"stm", "5"}}}));

  const Event event = pull_event();
  const std::string queued = structured_event_json(copy_of(event), Installation{});
  const ordered_json parsed = ordered_json::parse(payload_data_body({queued, queued}, 1733472000999));
  REQUIRE(parsed["data"].size() == 2);
  for (const auto& sent : parsed["data"]) {
    CHECK(keys_of(sent).front() == "stm");
    CHECK(sent["stm"] == "1733472000999");
    ordered_json without_stm = sent;
    without_stm.erase("stm");
    CHECK(without_stm == ordered_json::parse(queued));
  }
  CHECK(payload_data_body({queued}, -3).find(R"({"stm":"-3","e":"se",)") != std::string::npos);
}
