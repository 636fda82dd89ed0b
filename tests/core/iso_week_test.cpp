#include <doctest/doctest.h>

#include "core/iso_week.hpp"

using namespace ie;

namespace {
IsoWeek week_of(const char* text) { return iso_week_of(*parse_date(text)); }
}  // namespace

TEST_CASE("ISO weeks at the edges of years") {
  CHECK(week_of("2020-12-31") == IsoWeek{2020, 53});
  CHECK(week_of("2021-01-03") == IsoWeek{2020, 53});
  CHECK(week_of("2021-01-04") == IsoWeek{2021, 1});
  CHECK(week_of("2024-12-29") == IsoWeek{2024, 52});
  CHECK(week_of("2024-12-30") == IsoWeek{2025, 1});
  CHECK(week_of("2026-12-31") == IsoWeek{2026, 53});
  CHECK(week_of("2027-01-03") == IsoWeek{2026, 53});
  CHECK(week_of("2027-01-04") == IsoWeek{2027, 1});
  CHECK(week_of("2025-02-12") == IsoWeek{2025, 7});
  CHECK(week_of("2008-12-29") == IsoWeek{2009, 1});
  CHECK(week_of("2010-01-03") == IsoWeek{2009, 53});
}

TEST_CASE("every day of 1990-2040 agrees with its neighbours and with the Monday of its week") {
  const auto first = days_since_epoch({1990, 1, 1});
  const auto last = days_since_epoch({2040, 12, 31});
  for (auto day = first; day <= last; ++day) {
    const Date date = date_from_days(day);
    REQUIRE(days_since_epoch(date) == day);
    const IsoWeek week = iso_week_of(date);
    const auto monday = days_since_epoch(monday_of(week));
    REQUIRE(day - monday >= 0);
    REQUIRE(day - monday < 7);
    REQUIRE(week.week >= 1);
    REQUIRE(week.week <= 53);
  }
}

TEST_CASE("weeks before cross year boundaries") {
  CHECK(week_before({2021, 1}) == IsoWeek{2020, 53});
  CHECK(week_before({2025, 2}, 4) == IsoWeek{2024, 50});
  CHECK(week_before({2027, 1}) == IsoWeek{2026, 53});
  CHECK(week_suffix({2025, 7}) == "2025-07");
  CHECK(week_suffix({2020, 53}) == "2020-53");
}

TEST_CASE("dates are parsed strictly") {
  CHECK(parse_date("2024-02-29").has_value());
  CHECK_FALSE(parse_date("2023-02-29").has_value());
  CHECK_FALSE(parse_date("2021-13-01").has_value());
  CHECK_FALSE(parse_date("2021-1-01").has_value());
  CHECK_FALSE(parse_date("yesterday").has_value());
  CHECK(format_date(*parse_date("2021-01-03")) == "2021-01-03");
}
