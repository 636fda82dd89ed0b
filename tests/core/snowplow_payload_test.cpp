// The Snowplow copy of an event as core builds it, read back by a real JSON parser.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/snowplow/payload.hpp"

using namespace ie;
using namespace ie::snowplow;
using nlohmann::json;

namespace {

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
  CHECK(base64url("\xfb\xff") == "-_8");
  CHECK(base64("\xfb\xff") == "+/8=");
  CHECK(decode_base64("-_8") == std::string("\xfb\xff"));
  CHECK(decode_base64("+/8") == std::string("\xfb\xff"));
  CHECK_FALSE(decode_base64("Zm9v!"));
  CHECK_FALSE(decode_base64("Z"));
}

TEST_CASE("timestamps are ISO 8601 in UTC with milliseconds") {
  CHECK(iso_timestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(iso_timestamp(1733472000123) == "2024-12-06T08:00:00.123Z");
  CHECK(iso_timestamp(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("the structured event: every value a string, se_va as text, label and property only when set") {
  const Event event = pull_event();
  const json payload = json::parse(structured_event_json(copy_of(event), Installation{}));
  for (const auto& [key, value] : payload.items()) CHECK_MESSAGE(value.is_string(), key);
  CHECK(payload["e"] == "se");
  CHECK(payload["eid"] == "00112233-4455-4677-8899-aabbccddeeff");
  CHECK(payload["p"] == "srv");
  CHECK(payload["aid"] == "internal-events");
  CHECK(payload["dtm"] == "1733472000123");
  CHECK(payload["se_ca"] == "InternalEventTracking");
  CHECK(payload["se_ac"] == "pull_package");
  CHECK(payload["se_la"] == "npm");
  CHECK(payload["se_pr"] == "deploy_token");
  CHECK(payload["se_va"] == "2.5");
  CHECK_FALSE(payload.contains("stm"));  // the emitter sets it when it sends

  const Event bare{"pull_package", std::nullopt, std::nullopt, std::nullopt, {{"value", std::int64_t{0}}}};
  EventCopy copy{&bare, Origin::browser, "Custom", "e", 0};
  const json minimal = json::parse(structured_event_json(copy, Installation{.app_id = "shop"}));
  CHECK_FALSE(minimal.contains("se_la"));
  CHECK_FALSE(minimal.contains("se_pr"));
  CHECK(minimal["se_va"] == "0");  // zero is a value, not an absent one
  CHECK(minimal["se_ca"] == "Custom");
  CHECK(minimal["p"] == "web");
  CHECK(minimal["aid"] == "shop");
}

TEST_CASE("cx carries the standard context with every field and the service-ping context") {
  const Event event = pull_event();
  Installation installation;
  installation.instance_id = "11111111-2222-4333-8444-555555555555";
  const json contexts = contexts_of(json::parse(structured_event_json(copy_of(event), installation)));
  CHECK(contexts["schema"] == kContextsSchema);
  REQUIRE(contexts["data"].size() == 2);
  CHECK(contexts["data"][0]["schema"] == kStandardContextSchema);
  const json& standard = contexts["data"][0]["data"];
  const std::vector<std::string> fields = {"environment", "source", "correlation_id", "plan", "extra", "user_id", "global_user_id",
                                           "user_type", "is_gitlab_team_member", "namespace_id", "ultimate_parent_namespace_id",
                                           "project_id", "feature_enabled_by_namespace_ids", "realm", "deployment_type", "instance_id",
                                           "unique_instance_id", "host_name", "instance_version", "context_generated_at"};
  CHECK(standard.size() == fields.size());
  for (const auto& field : fields) CHECK_MESSAGE(standard.contains(field), field);
  CHECK(standard["extra"] == json{{"registry", "eu"}});  // custom properties only
  CHECK(standard["user_id"] == std::string(43, 'A') + "=");
  CHECK(standard["global_user_id"].is_null());
  CHECK(standard["project_id"] == 42);
  CHECK(standard["namespace_id"] == 9);
  CHECK(standard["source"] == "internal-events-cpp");
  CHECK(standard["plan"].is_null());
  CHECK(standard["instance_id"] == "11111111-2222-4333-8444-555555555555");
  CHECK(standard["context_generated_at"] == "2024-12-06T08:00:00.123Z");
  CHECK(contexts["data"][1] == json{{"schema", kServicePingContextSchema}, {"data", {{"data_source", "redis_hll"}, {"event_name", "pull_package"}}}});
}

TEST_CASE("the POST body gives each queued event its stm first and stays valid JSON") {
  const std::string body = payload_data_body({R"({"e":"se","eid":"a"})", "{}"}, 1733472000999);
  const json parsed = json::parse(body);
  CHECK(parsed["schema"] == kPayloadDataSchema);
  REQUIRE(parsed["data"].size() == 2);
  CHECK(parsed["data"][0] == json{{"stm", "1733472000999"}, {"e", "se"}, {"eid", "a"}});
  CHECK(parsed["data"][1] == json{{"stm", "1733472000999"}});
  CHECK(body.find(R"({"stm":"1733472000999","e":"se")") != std::string::npos);
}
