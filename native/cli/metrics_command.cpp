// internal-events metrics [--store URL] [--definitions DIR] [--date YYYY-MM-DD] [--json]
#include <iostream>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/metric_reader.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events metrics [--store URL] [--definitions DIR] [--date YYYY-MM-DD] [--json]

The service-ping report: every metric's value on that date (7d = the last complete ISO week,
28d = the last four, all = all time), one "key_path value" line each, or nested JSON with --json.

  --store URL         sqlite:PATH (default sqlite:data/internal-events.sqlite3), redis://HOST:PORT[/DB]
                      or redis-cluster://HOST:PORT[,HOST:PORT…][?wait=N];
                      a store that is not there is an error, never an empty report
  --definitions DIR   definitions folder (default: config)
  --date YYYY-MM-DD   report as if today were that day (default: today, UTC)
  --json              print the nested JSON report instead
)";

}  // namespace

int run_metrics(const CommandArgs& args) {
  const Arguments arguments(args, {"json"});
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"store", "definitions", "date", "json"});
  if (!arguments.positionals().empty()) throw UsageError("metrics takes no positional arguments");

  const Definitions definitions = definitions_option(arguments);
  auto store = store_option(arguments, StoreCreation::nothing);  // a report never creates the store it reads
  MetricReader reader(definitions, *store);
  const Date today = date_option(arguments);
  const std::int64_t now_ms = now_ms_option(arguments);
  if (arguments.flag("json")) {
    std::cout << reader.service_ping(today, now_ms).dump(2) << '\n';
    return 0;
  }
  for (const auto& metric : definitions.metrics) {
    std::cout << metric.key_path << ' ' << number_json(reader.metric_value(metric, today, now_ms)).dump() << '\n';
  }
  return 0;
}

}  // namespace ie::cli
