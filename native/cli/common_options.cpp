#include "native/cli/common_options.hpp"

#include <charconv>

#include "native/definitions_loader.hpp"
#include "native/wall_clock.hpp"

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
  return date_from_days(wall_clock_ms() / kMsPerDay);
}

std::int64_t now_ms_option(const Arguments& args) {
  if (args.option("date")) return days_since_epoch(date_option(args)) * kMsPerDay + kMsPerDay / 2;
  return wall_clock_ms();
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

std::unique_ptr<CounterStore> store_option(const Arguments& args, StoreCreation creation) {
  return open_store(args.option_or("store", kDefaultStoreUrl), creation);
}

log::Format log_format_option(const Arguments& args) {
  const auto text = args.option("log-format");
  if (!text) return log::Format::text;
  if (auto format = log::parse_format(*text)) return *format;
  throw UsageError("--log-format " + *text + " is not a log format: text or json");
}

}  // namespace ie::cli
