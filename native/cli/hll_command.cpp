// internal-events hll: make and count Redis-compatible HyperLogLogs from the shell, so a counter can
// be checked against Redis (`redis-cli -x SET key < file.hyll`, then PFCOUNT) without a server of ours.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "core/hll.hpp"
#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage =
    "usage: internal-events hll build [--sparse-max-bytes N] < values > file.hyll\n"
    "       internal-events hll count FILE...\n"
    "\n"
    "HyperLogLogs byte for byte as Redis stores them (GET after PFADD); see `hll build --help`.\n";

constexpr const char* kBuildHelp =
    "usage: internal-events hll build [--sparse-max-bytes N] < values > file.hyll\n"
    "\n"
    "Adds every line of stdin as one value (as PFADD does) and writes the HyperLogLog to stdout as the\n"
    "raw bytes Redis's GET returns after the same PFADDs. A line is its bytes exactly, without the\n"
    "'\\n' that ends it (a '\\r' before it stays part of the value); an empty line is the empty value;\n"
    "the newline at the end of the input does not add an empty value.\n"
    "\n"
    "  --sparse-max-bytes N   Redis's hll-sparse-max-bytes: the sparse encoding turns dense when it\n"
    "                         would grow past N bytes (default 3000)\n";

constexpr const char* kCountHelp =
    "usage: internal-events hll count FILE...\n"
    "\n"
    "Prints the cardinality as PFCOUNT would with the files' bytes as keys: for one file its cached\n"
    "cardinality when valid, otherwise the estimate; for several, the cardinality of their union.\n"
    "A file that is not a valid HyperLogLog is an error naming it.\n";

std::size_t parse_byte_count(const std::string& text) {
  std::size_t value = 0;
  bool any = false;
  for (const char c : text) {
    if (c < '0' || c > '9' || value > (SIZE_MAX - 9) / 10) {
      throw UsageError("--sparse-max-bytes takes a whole number of bytes, not '" + text + "'");
    }
    value = value * 10 + static_cast<std::size_t>(c - '0');
    any = true;
  }
  if (!any) throw UsageError("--sparse-max-bytes takes a whole number of bytes, not ''");
  return value;
}

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw std::runtime_error(path + ": cannot read: " + std::strerror(errno));
  return bytes;
}

// Hands a file's bytes to `load`; a corrupt file's error then names the file.
template <class Load>
void load_file(const std::string& path, Load&& load) {
  const std::string bytes = read_file(path);
  try {
    load(bytes);
  } catch (const HllCorruptError& error) {
    throw HllCorruptError(path + ": " + error.what());
  }
}

int run_build(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kBuildHelp)) return 0;
  arguments.allow_only({"sparse-max-bytes"});
  if (!arguments.positionals().empty()) throw UsageError("build reads its values from stdin, not from arguments");
  const auto limit = arguments.option("sparse-max-bytes");
  HyperLogLog hll(limit ? parse_byte_count(*limit) : HyperLogLog::kDefaultSparseMaxBytes);

  // getline gives exactly the contract: "a\n\nb\n" is "a", "", "b", and no value after the last '\n'.
  std::string line;
  while (std::getline(std::cin, line)) hll.add(line);
  if (std::cin.bad()) throw std::runtime_error("cannot read stdin");

  const std::string bytes = hll.to_redis_bytes();
  std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  std::cout.flush();
  if (!std::cout) throw std::runtime_error("cannot write to stdout");
  return 0;
}

// Single-key PFCOUNT answers from a valid cached cardinality, multi-key PFCOUNT ignores the caches:
// doing the same prints the number Redis would print for the same strings.
int run_count(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kCountHelp)) return 0;
  arguments.allow_only({});
  const auto& files = arguments.positionals();
  if (files.empty()) throw UsageError("count needs at least one FILE");

  std::uint64_t cardinality = 0;
  if (files.size() == 1) {
    load_file(files[0], [&](const std::string& bytes) { cardinality = HyperLogLog::from_redis_bytes(bytes).count(); });
  } else {
    HyperLogLogUnion all;
    for (const auto& file : files) load_file(file, [&](const std::string& bytes) { all.add_redis_bytes(bytes); });
    cardinality = all.count();
  }
  std::cout << cardinality << '\n';
  return 0;
}

}  // namespace

int run_hll(const CommandArgs& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << kUsage;
    return 0;
  }
  if (args.empty()) throw UsageError("missing subcommand: build or count");
  const CommandArgs rest(args.begin() + 1, args.end());
  if (args[0] == "build") return run_build(rest);
  if (args[0] == "count") return run_count(rest);
  throw UsageError("unknown subcommand '" + args[0] + "': build or count");
}

}  // namespace ie::cli
