#include "native/cli/common_options.hpp"

#include <charconv>
#include <chrono>

#include "native/definitions_loader.hpp"

namespace ie::cli {

namespace {

std::optional<Scalar> number_from(const std::string& text) {
  std::int64_t integer = 0;
  const char* end = text.data() + text.size();
  if (auto [ptr, ec] = std::from_chars(text.data(), end, integer); ec == std::errc() && ptr == end) return integer;
  double number = 0;
  if (auto [ptr, ec] = std::from_chars(text.data(), end, number); ec == std::errc() && ptr == end && !text.empty()) return number;
  return std::nullopt;
}

Scalar typed_property(const std::string& key, const std::string& text) {
  if (key == "label" || key == "property") return text;
  if (key == "value") {
    if (auto number = number_from(text)) return *number;
    throw UsageError("--property value=" + text + ": value must be a number");
  }
  if (text == "true") return true;
  if (text == "false") return false;
  if (auto number = number_from(text)) return *number;
  return text;
}

}  // namespace

Date date_option(const Arguments& args) {
  if (const auto text = args.option("date")) {
    if (auto date = parse_date(*text)) return *date;
    throw UsageError("--date " + *text + " is not a date (YYYY-MM-DD)");
  }
  const auto now = std::chrono::system_clock::now();
  const auto days = std::chrono::duration_cast<std::chrono::days>(now.time_since_epoch()).count();
  return date_from_days(days);
}

std::int64_t now_ms_option(const Arguments& args) {
  constexpr std::int64_t kMsPerDay = 86400000;
  if (args.option("date")) return days_since_epoch(date_option(args)) * kMsPerDay + kMsPerDay / 2;
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::map<std::string, Scalar> property_options(const Arguments& args) {
  std::map<std::string, Scalar> properties;
  for (const auto& assignment : args.all("property")) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) throw UsageError("--property " + assignment + " must be key=value");
    const std::string key = assignment.substr(0, equals);
    properties[key] = typed_property(key, assignment.substr(equals + 1));
  }
  return properties;
}

Definitions definitions_option(const Arguments& args) {
  return load_definitions(args.option_or("definitions", kDefaultDefinitions));
}

}  // namespace ie::cli
