#include "native/cli/arguments.hpp"

#include <cctype>
#include <cstdlib>
#include <iostream>

#include "native/cli/did_you_mean.hpp"

namespace ie::cli {

std::string environment_name(const std::string& option) {
  std::string name = "INTERNAL_EVENTS_";
  for (char c : option) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Arguments::Arguments(const std::vector<std::string>& args, std::set<std::string> flags) : flags_(std::move(flags)) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positionals_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    const auto equals = name.find('=');
    if (equals != std::string::npos) {
      options_[name.substr(0, equals)].push_back(name.substr(equals + 1));
    } else if (flags_.count(name)) {
      options_[name].push_back("true");
    } else if (i + 1 < args.size()) {
      options_[name].push_back(args[++i]);
    } else {
      valueless_ = name;  // reported by allow_only, after a mistyped name, which explains it better
    }
  }
}

bool Arguments::flag(const std::string& name) const {
  const auto value = option(name);
  return value && *value != "false" && *value != "0" && !value->empty();
}

std::optional<std::string> Arguments::option(const std::string& name) const {
  const auto found = options_.find(name);
  if (found != options_.end()) return found->second.back();
  if (const char* from_environment = std::getenv(environment_name(name).c_str())) return std::string(from_environment);
  return std::nullopt;
}

std::string Arguments::option_or(const std::string& name, const std::string& fallback) const {
  return option(name).value_or(fallback);
}

std::string Arguments::required(const std::string& name) const {
  const auto value = option(name);
  if (!value) throw UsageError("missing --" + name + " (or " + environment_name(name) + ")");
  return *value;
}

std::vector<std::string> Arguments::all(const std::string& name) const {
  const auto found = options_.find(name);
  return found == options_.end() ? std::vector<std::string>{} : found->second;
}

void Arguments::allow_only(const std::set<std::string>& names) const {
  const std::vector<std::string> known(names.begin(), names.end());
  const auto refuse_unknown = [&](const std::string& name) {
    if (!names.count(name)) throw UsageError("unknown option --" + name + did_you_mean(name, known, "--", ""));
  };
  for (const auto& entry : options_) refuse_unknown(entry.first);
  if (valueless_) {
    refuse_unknown(*valueless_);
    throw UsageError("option --" + *valueless_ + " needs a value");
  }
}

bool printed_help(const Arguments& arguments, const char* usage) {
  if (arguments.help()) std::cout << usage;
  return arguments.help();
}

}  // namespace ie::cli
