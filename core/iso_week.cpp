#include "core/iso_week.hpp"

#include <cstdio>

namespace ie {

namespace {

// Howard Hinnant's civil-calendar algorithms: exact for the proleptic Gregorian calendar.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// 0 = Monday … 6 = Sunday. 1970-01-01 was a Thursday.
int weekday_from_monday(std::int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : lengths[month - 1];
}

}  // namespace

std::int64_t days_since_epoch(const Date& date) {
  return days_from_civil(date.year, static_cast<unsigned>(date.month), static_cast<unsigned>(date.day));
}

Date date_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return Date{static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)};
}

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t length) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = from; i < from + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day || *month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  return Date{*year, *month, *day};
}

std::string format_date(const Date& date) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buffer;
}

IsoWeek iso_week_of(const Date& date) {
  const std::int64_t days = days_since_epoch(date);
  // The ISO year is the year of this week's Thursday.
  const std::int64_t thursday = days - weekday_from_monday(days) + 3;
  const int iso_year = date_from_days(thursday).year;
  const std::int64_t first_day_of_year = days_since_epoch(Date{iso_year, 1, 1});
  return IsoWeek{iso_year, static_cast<int>((thursday - first_day_of_year) / 7 + 1)};
}

Date monday_of(const IsoWeek& week) {
  // January 4th is always in week 1.
  const std::int64_t january_4 = days_since_epoch(Date{week.year, 1, 4});
  const std::int64_t week_1_monday = january_4 - weekday_from_monday(january_4);
  return date_from_days(week_1_monday + 7 * static_cast<std::int64_t>(week.week - 1));
}

IsoWeek week_before(const IsoWeek& week, int weeks_back) {
  return iso_week_of(date_from_days(days_since_epoch(monday_of(week)) - 7 * static_cast<std::int64_t>(weeks_back)));
}

// On the hot path (every counter key of every event): plain digits, no printf.
std::string week_suffix(const IsoWeek& week) {
  std::string text = std::to_string(week.year);
  text += '-';
  text += static_cast<char>('0' + week.week / 10);
  text += static_cast<char>('0' + week.week % 10);
  return text;
}

}  // namespace ie
