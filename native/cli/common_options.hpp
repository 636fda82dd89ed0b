#pragma once
// Options several commands share: --date, --property k=v, --definitions, --store and --log-format.
#include <map>
#include <memory>
#include <string>

#include "core/definitions.hpp"
#include "core/iso_week.hpp"
#include "native/cli/arguments.hpp"
#include "native/log.hpp"
#include "native/store/open_store.hpp"

namespace ie::cli {

inline constexpr const char* kDefaultDefinitions = "config";

// --date YYYY-MM-DD, or today in UTC (weeks and dates are always UTC).
Date date_option(const Arguments& args);

// The clock the command runs on: noon UTC of --date when given (so a whole day's keys are live),
// else now.
std::int64_t now_ms_option(const Arguments& args);

// --property k=v, repeated. label and property are strings and value a number, as GitLab types
// them; other keys are read as JSON scalars would be (42, 2.5, true), else kept as text.
std::map<std::string, Scalar> property_options(const Arguments& args);

Definitions definitions_option(const Arguments& args);

// --store URL (default sqlite:data/internal-events.sqlite3), opened creating at most `creation`.
std::unique_ptr<CounterStore> store_option(const Arguments& args, StoreCreation creation);

// --log-format text|json (default text): how the process log (native/log.hpp) writes its lines.
log::Format log_format_option(const Arguments& args);

}  // namespace ie::cli
