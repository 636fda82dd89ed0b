#pragma once
// Command-line arguments of one subcommand: options (`--name value`, `--name=value`, repeatable),
// flags (`--json`) and positionals. Every option may also come from an environment variable
// INTERNAL_EVENTS_<NAME> (dashes become underscores), so containers can be configured without flags.
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ie::cli {

// A usage mistake: printed as one line on stderr, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  // `flags` names the options that take no value; everything else after `--` takes one.
  Arguments(const std::vector<std::string>& args, std::set<std::string> flags = {});

  bool help() const { return help_; }
  bool flag(const std::string& name) const;
  std::optional<std::string> option(const std::string& name) const;
  std::string option_or(const std::string& name, const std::string& fallback) const;
  std::string required(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  // Rejects options the command does not know, so a typo is an error rather than silently ignored
  // (with the known option it is nearest to), and a last option left without its value.
  void allow_only(const std::set<std::string>& names) const;

 private:
  std::set<std::string> flags_;
  std::map<std::string, std::vector<std::string>> options_;
  std::vector<std::string> positionals_;
  std::optional<std::string> valueless_;  // the last option, when nothing followed it
  bool help_ = false;
};

std::string environment_name(const std::string& option);

// Prints the usage on stdout when --help was given, and says so: `if (printed_help(arguments, kUsage)) return 0;`
bool printed_help(const Arguments& arguments, const char* usage);

}  // namespace ie::cli
