// The messages of GET /-/events, read back as a listener reads them: SSE framing, then JSON.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/live_event.hpp"

using namespace ie;
using nlohmann::json;

namespace {

Event pull_event() {
  return Event{"pull_package", 7, 42, std::nullopt, {{"label", std::string("npm")}, {"value", 2.5}, {"registry", std::string("eu")}}};
}

std::vector<CounterWrite> writes_of_pull() {
  return {{CounterOperation::pfadd, CounterKey("{hll_counters}_pull_package-user-2026-49"), "7"},
          {CounterOperation::incr, CounterKey("{event_counters}_pull_package-2026-49"), ""},
          {CounterOperation::pfadd, CounterKey("{hll_counters}_pull_package-user-2026-49"), "7"}};
}

std::string copy_of(const Event& event) {
  snowplow::EventCopy copy{&event, snowplow::Origin::browser, "", "00112233-4455-4677-8899-aabbccddeeff", 1796601600000};
  copy.user_id = std::string(43, 'P') + "=";
  return snowplow::structured_event_json(copy, snowplow::Installation{});
}

}  // namespace

TEST_CASE("a tracked event's data says what was counted and what goes to Snowplow, with its contexts decoded") {
  const Event event = pull_event();
  std::vector<CounterKey> keys;
  counter_keys_of(writes_of_pull(), keys);
  const std::string payload = copy_of(event);
  const LiveEvent live{event.name, &event, snowplow::Origin::browser, "eid-1", 1796601600123, true, keys, payload, false};
  const std::string data = live_event_data(live);
  CHECK(data.find('\n') == std::string::npos);  // one SSE data line
  const json message = json::parse(data);
  CHECK(message["name"] == "pull_package");
  CHECK(message["source"] == "browser");
  CHECK(message["received_at"] == "2026-12-07T00:00:00.123Z");
  CHECK(message["event_id"] == "eid-1");
  CHECK(message["counted"] == true);
  CHECK(message["identifiers"] == json{{"user", 7}, {"project", 42}});  // no namespace: none given
  CHECK(message["properties"] == json{{"label", "npm"}, {"registry", "eu"}, {"value", 2.5}});
  // Each key once, in the order first written.
  CHECK(message["keys"] == json{"{hll_counters}_pull_package-user-2026-49", "{event_counters}_pull_package-2026-49"});
  const json& snowplow = message["snowplow"];
  CHECK(snowplow["queued"] == false);
  CHECK_FALSE(snowplow["payload"].contains("cx"));
  CHECK(snowplow["payload"]["se_ac"] == "pull_package");
  const json& standard = snowplow["payload"]["contexts"]["data"][0];
  CHECK(standard["schema"] == "iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7");
  CHECK(standard["data"]["user_id"] == std::string(43, 'P') + "=");  // the pseudonym, as it leaves
}

TEST_CASE("the payload keeps its fields in the order they are sent") {
  const Event event = pull_event();
  const std::string payload = copy_of(event);
  const LiveEvent live{event.name, &event, snowplow::Origin::backend, "", 0, true, {}, payload, true};
  const std::string data = live_event_data(live);
  CHECK(data.find(R"("payload":{"e":"se")") != std::string::npos);
  CHECK(json::parse(data)["snowplow"]["queued"] == true);
}

TEST_CASE("an event without a Snowplow copy, and a tracker's event only forwarded") {
  const Event event = pull_event();
  const LiveEvent unsent{event.name, &event, snowplow::Origin::backend, "", 0, true, {}, std::nullopt, false};
  CHECK(json::parse(live_event_data(unsent))["snowplow"].is_null());

  const std::string forwarded = R"({"e":"pv","url":"https://example.test/?\"cx\":\"","cx":"not base64!"})";
  const LiveEvent only_forwarded{"(Snowplow event)", nullptr, snowplow::Origin::tp2, "", 0, false, {}, forwarded, true};
  const json message = json::parse(live_event_data(only_forwarded));
  CHECK(message["counted"] == false);
  CHECK(message["identifiers"] == json::object());
  CHECK(message["keys"] == json::array());
  CHECK(message["snowplow"]["payload"]["cx"] == "not base64!");  // shown as it goes when it does not decode
  CHECK(message["snowplow"]["payload"]["url"] == "https://example.test/?\"cx\":\"");
}

TEST_CASE("messages are framed as Server-Sent Events") {
  CHECK(server_sent_event("tracked", 17, R"({"a":1})") == "event: tracked\nid: 17\ndata: {\"a\":1}\n\n");
  CHECK(lost_events_message(12) == "event: lost\ndata: {\"lost\":12}\n\n");
}

TEST_CASE("a listener's event filter") {
  CHECK(event_filter_of("").empty());
  CHECK(event_filter_of("a,b") == std::vector<std::string>{"a", "b"});
  CHECK(event_filter_of(",a,,b,") == std::vector<std::string>{"a", "b"});
}
