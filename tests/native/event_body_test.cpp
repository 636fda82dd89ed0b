#include <doctest/doctest.h>

#include "native/http/event_body.hpp"

using namespace ie;
using namespace ie::http;

namespace {

// What one event object of a body becomes, with body identifiers trusted.
std::variant<TrackRequest, EventProblem> event_from(std::string_view text) {
  JsonReader reader;
  return track_request_from(reader.read(text), IdentityRule{});
}

TrackRequest tracked(std::string_view text) {
  auto result = event_from(text);
  REQUIRE_MESSAGE(std::holds_alternative<TrackRequest>(result), std::string(text));
  return std::get<TrackRequest>(std::move(result));
}

std::string problem(std::string_view text) {
  auto result = event_from(text);
  REQUIRE_MESSAGE(std::holds_alternative<EventProblem>(result), std::string(text));
  return std::get<EventProblem>(result).message;
}

}  // namespace

TEST_CASE("an event object becomes a TrackRequest that owns its strings") {
  const TrackRequest request = tracked(
      R"({"event": "e\u0301", "eid": "id-1", "user_id": 7, "project_id": null, "additional_properties": {"label": "diff", "value": 2.5}})");
  CHECK(request.input.name == "e\xCC\x81");
  CHECK(request.event_id == "id-1");
  CHECK(request.input.identifiers.at("user") == Scalar{std::int64_t{7}});
  CHECK(request.input.identifiers.at("project") == Scalar{nullptr});
  CHECK_FALSE(request.input.identifiers.contains("namespace"));
  CHECK(request.input.properties.at("label") == Scalar{std::string("diff")});
  CHECK(request.input.properties.at("value") == Scalar{2.5});
}

TEST_CASE("integers beyond int64 become doubles, as they did") {
  const TrackRequest request = tracked(R"({"event": "e", "user_id": 18446744073709551615, "project_id": 9223372036854775807})");
  CHECK(request.input.identifiers.at("user") == Scalar{18446744073709551615.0});
  CHECK(request.input.identifiers.at("project") == Scalar{std::int64_t{9223372036854775807}});
}

TEST_CASE("of repeated keys the last counts, as in nlohmann's std::map") {
  CHECK(tracked(R"({"event": "first", "event": "last"})").input.name == "last");
  const TrackRequest repeated = tracked(R"({"event": "e", "user_id": [1], "eid": 5, "user_id": 3, "eid": "b", "project_id": 4})");
  CHECK(repeated.input.identifiers.at("user") == Scalar{std::int64_t{3}});
  CHECK(repeated.input.identifiers.at("project") == Scalar{std::int64_t{4}});
  CHECK(repeated.event_id == "b");
  CHECK(tracked(R"({"event": "e", "additional_properties": {"label": {}, "label": "x"}})").input.properties.at("label") ==
        Scalar{std::string("x")});
  CHECK(problem(R"({"event": "e", "additional_properties": {"label": "x", "label": {}}})") ==
        "event 'e': label must be a string, number, boolean or null, not object");
}

TEST_CASE("of several wrong properties the first in key order is named") {
  CHECK(problem(R"({"event": "e", "additional_properties": {"zz": [], "aa": {}}})") ==
        "event 'e': aa must be a string, number, boolean or null, not object");
}

TEST_CASE("the shape of an event is checked") {
  CHECK(problem(R"([1])") == "an event must be a JSON object, not array");
  CHECK(problem(R"({"event": 1})") == "event must be a string naming the event");
  CHECK(problem(R"({"event": "e", "eid": 5})") == "event 'e': eid must be a string");
  CHECK(problem(R"({"event": "e", "additional_properties": []})") == "event 'e': additional_properties must be an object");
  CHECK(problem(R"({"event": "e", "user_id": [1]})") == "event 'e': user_id must be a string, number, boolean or null, not array");
}
