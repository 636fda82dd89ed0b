#pragma once
// The answers of a command that asks questions (`definitions new`): each question has a flag,
// which answers it when given; otherwise, with stdin a terminal, the question is asked there
// until the answer parses (a refused answer's reason is shown before asking again); without a
// terminal, a missing flag is a usage error naming it, so a script never hangs on a prompt.
#include <istream>
#include <ostream>
#include <optional>
#include <stdexcept>
#include <string>

#include "native/cli/arguments.hpp"

namespace ie::cli {

class Answers {
 public:
  Answers(const Arguments& arguments, std::istream& in, std::ostream& out, bool terminal);

  bool terminal() const { return terminal_; }
  std::ostream& out() { return out_; }

  // The flag's value if given, else the terminal's answer (`fallback` for an empty one, shown in
  // brackets). `parse` throws std::invalid_argument for an answer it refuses: with a flag that is
  // a usage error, at the terminal the question again.
  template <typename Parse>
  auto ask(const std::string& flag, const std::string& question, Parse parse, const std::string& fallback = "") {
    if (const auto given = arguments_.option(flag)) {
      try {
        return parse(*given);
      } catch (const std::invalid_argument& refused) {
        throw UsageError("--" + flag + ": " + refused.what());
      }
    }
    require_terminal("--" + flag);
    while (true) {
      try {
        return parse(read_answer(question, fallback));
      } catch (const std::invalid_argument& refused) {
        out_ << "  " << refused.what() << '\n';
      }
    }
  }

  // A question whose answer is given by none of several flags: asked at the terminal, or a usage
  // error naming `flags` (e.g. "--label-description or --no-properties").
  std::string read(const std::string& flags, const std::string& question, const std::string& fallback = "");
  void require_terminal(const std::string& flags) const;

 private:
  std::string read_answer(const std::string& question, const std::string& fallback);

  const Arguments& arguments_;
  std::istream& in_;
  std::ostream& out_;
  bool terminal_;
};

// Whether the process's stdin is a terminal.
bool stdin_is_terminal();

}  // namespace ie::cli
