// internal-events definitions types DIR [--lang ts|cpp] [--out FOLDER]: the declarations that
// make call sites of DIR's events type-checked (core/call_site_types.hpp writes them).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/call_site_types.hpp"
#include "native/cli/arguments.hpp"
#include "native/cli/definitions_subcommands.hpp"
#include "native/definitions_loader.hpp"

namespace ie::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: internal-events definitions types DIR [--lang ts|cpp] [--out FOLDER]

Writes declarations from DIR's event definitions that make every call site checked at compile
time: an unknown event, an undeclared or mistyped property, or a missing required one (declared
`required: true`) is a compile error.

  internal-events-events.d.ts   for TypeScript: fills the npm package's EventProperties, so tsc
                                checks InternalEvents.track_event('pull_package', { label: 'npm' })
  internal_events_events.hpp    for C++: one function per event over ie::Tracker::track_event,
                                ie::events::pull_package(tracker, {.user = 1}, {.label = "npm"})

  --lang ts|cpp   only that one (default: both)
  --out FOLDER    where to write them (default: the current folder); `-` prints the one --lang
                  names on stdout
)";

struct Output {
  const char* lang;
  const char* file;
  std::string (*text)(const Definitions&, const std::string&);
};

constexpr Output kOutputs[] = {
    {"ts", "internal-events-events.d.ts", typescript_declarations},
    {"cpp", "internal_events_events.hpp", cpp_events_header},
};

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream stream(path, std::ios::binary);
  stream << text;
  if (!stream.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int run_definitions_types(const CommandArgs& args) {
  const Arguments arguments(args);
  arguments.allow_only({"lang", "out"});
  if (printed_help(arguments, kUsage)) return 0;
  const auto& words = arguments.positionals();
  if (words.size() != 1) throw UsageError("expected `types DIR`");
  const auto lang = arguments.option("lang");
  if (lang && *lang != "ts" && *lang != "cpp") throw UsageError("--lang " + *lang + " is not ts or cpp");
  const std::string out = arguments.option_or("out", ".");
  if (out == "-" && !lang) throw UsageError("--out - prints one file: say which with --lang ts or --lang cpp");
  if (out != "-" && !fs::is_directory(out)) throw std::runtime_error("no folder " + out + " to write the declarations into");

  const Definitions definitions = load_definitions(words[0]);
  for (const auto& output : kOutputs) {
    if (lang && *lang != output.lang) continue;
    const std::string text = output.text(definitions, words[0]);
    if (out == "-") {
      std::cout << text;
      continue;
    }
    const fs::path path = fs::path(out) / output.file;
    write_file(path, text);
    std::cout << "wrote " << path.string() << " (" << definitions.events.size() << " events)\n";
  }
  return 0;
}

}  // namespace ie::cli
