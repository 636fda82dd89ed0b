// internal-events export --store URL
#include <iostream>
#include <string_view>

#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/store/open_store.hpp"
#include "native/wall_clock.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events export --store URL | redis-cli -h HOST -p PORT --pipe

Prints every live counter of the store (and the event ids it remembers) as Redis commands in
Redis's own protocol: SET key value, then PEXPIREAT key ms for keys that expire. HyperLogLogs
are copied as their raw bytes, which Redis reads as its own.

  --store URL   sqlite:PATH, redis://HOST:PORT[/DB] or redis-cluster://HOST:PORT,… (or INTERNAL_EVENTS_STORE);
                it must exist
)";

// One command as RESP: an array of bulk strings, binary-safe.
void write_command(std::ostream& out, std::initializer_list<std::string_view> arguments) {
  out << '*' << arguments.size() << "\r\n";
  for (const auto argument : arguments) {
    out << '$' << argument.size() << "\r\n";
    out.write(argument.data(), static_cast<std::streamsize>(argument.size()));
    out << "\r\n";
  }
}

}  // namespace

int run_export(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"store"});
  if (!arguments.positionals().empty()) throw UsageError("export takes no positional arguments");

  const auto store = open_store(arguments.required("store"), StoreCreation::nothing);
  for (const auto& stored : store->dump(wall_clock_ms())) {
    write_command(std::cout, {"SET", stored.key, stored.value});
    if (stored.expires_at_ms != 0) write_command(std::cout, {"PEXPIREAT", stored.key, std::to_string(stored.expires_at_ms)});
  }
  std::cout.flush();
  if (!std::cout) throw std::runtime_error("cannot write to standard output");
  return 0;
}

}  // namespace ie::cli
