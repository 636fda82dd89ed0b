// Identifiers that are doubles beyond int64 (a client's uint64 ids, 1e300, infinity, NaN): refused
// as invalid identifiers, decided without converting them to an integer first, which is undefined
// behaviour (the event body fuzzer's finding; fuzz/corpus/event_body/crash-uint64-user-id).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/event_validation.hpp"
#include "tests/core/definitions_fixture.hpp"

using namespace ie;

TEST_CASE("identifiers beyond int64 are refused as invalid, without an out-of-range conversion") {
  const Definitions definitions = test::definitions_from(nlohmann::json::array({{{"action", "e"}, {"identifiers", {"user"}}}}),
                                                         nlohmann::json::array());
  for (const double user : {18446744073709551615.0, 9.3e18, -9.3e18, 1e300, std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(), std::nan("")}) {
    CAPTURE(user);
    const auto result = validate_event(definitions, {"e", {{"user", user}}, {}});
    REQUIRE(std::holds_alternative<EventError>(result));
    CHECK(std::get<EventError>(result).kind == EventErrorKind::invalid_identifier);
    CHECK(std::get<EventError>(result).message == "event 'e': user must be an integer id, not float");
  }
  const auto whole = validate_event(definitions, {"e", {{"user", 9.0e18}}, {}});
  REQUIRE(std::holds_alternative<Event>(whole));
  CHECK(std::get<Event>(whole).user == std::int64_t{9000000000000000000});
}
