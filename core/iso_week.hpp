#pragma once
// Calendar dates and ISO-8601 weeks (Monday start; week 1 holds the year's first Thursday), so
// 2021-01-03 is in 2020-W53 and 2024-12-30 in 2025-W01. Pure arithmetic on day numbers: core never
// reads the clock, the caller passes today's date.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ie {

struct Date {
  int year;
  int month;  // 1..12
  int day;    // 1..31
  friend bool operator==(const Date&, const Date&) = default;
};

struct IsoWeek {
  int year;
  int week;  // 1..53
  friend bool operator==(const IsoWeek&, const IsoWeek&) = default;
};

// Days since 1970-01-01 (negative before), and back.
std::int64_t days_since_epoch(const Date& date);
Date date_from_days(std::int64_t days);

// "YYYY-MM-DD" → Date; nullopt for anything else, including 2021-02-30.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(const Date& date);

IsoWeek iso_week_of(const Date& date);
Date monday_of(const IsoWeek& week);
IsoWeek week_before(const IsoWeek& week, int weeks_back = 1);

// "2025-07": the week suffix of counter keys.
std::string week_suffix(const IsoWeek& week);

}  // namespace ie
