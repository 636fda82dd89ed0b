// internal-events keys EVENT --definitions DIR [--date YYYY-MM-DD] [--property k=v]...
#include <iostream>
#include <set>

#include "core/counter_writes.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/common_options.hpp"
#include "native/cli/event_check.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events keys EVENT --definitions DIR [--date YYYY-MM-DD] [--property k=v]...

Prints every counter key that tracking EVENT on that date writes, one per line, sorted.
The identifiers (user, project, namespace) are taken as present; properties only as given,
so filtered and unique-by-property counters appear when their properties are passed.

  --definitions DIR   definitions folder (default: config)
  --date YYYY-MM-DD   the day the event happens (default: today, UTC)
  --property k=v      label=…, property=…, value=N or a custom property; repeatable
)";

}  // namespace

int run_keys(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"definitions", "date", "property"});
  if (arguments.positionals().size() != 1) throw UsageError("expected one EVENT");

  const Definitions definitions = definitions_option(arguments);
  // Key names do not depend on identifier values, only on their presence.
  const EventInput input{arguments.positionals()[0],
                         {{"user", std::int64_t{1}}, {"project", std::int64_t{1}}, {"namespace", std::int64_t{1}}},
                         Fields(property_options(arguments))};
  const Event event = checked_event(definitions, input);
  const CounterRules rules(definitions);
  std::set<std::string> keys;
  for (const auto& write : plan_counter_writes(rules.for_event(event.name), event, date_option(arguments)).writes) keys.insert(write.key);
  for (const auto& key : keys) std::cout << key << '\n';
  return 0;
}

}  // namespace ie::cli
