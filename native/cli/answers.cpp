#include "native/cli/answers.hpp"

#include <unistd.h>

#include <iostream>

namespace ie::cli {

Answers::Answers(const Arguments& arguments, std::istream& in, std::ostream& out, bool terminal)
    : arguments_(arguments), in_(in), out_(out), terminal_(terminal) {}

std::string Answers::read(const std::string& flags, const std::string& question, const std::string& fallback) {
  require_terminal(flags);
  return read_answer(question, fallback);
}

void Answers::require_terminal(const std::string& flags) const {
  if (!terminal_) throw UsageError("missing " + flags + " (stdin is not a terminal to ask on)");
}

std::string Answers::read_answer(const std::string& question, const std::string& fallback) {
  out_ << question << (fallback.empty() ? "" : " [" + fallback + "]") << ": " << std::flush;
  std::string line;
  // Ctrl-D ends the session: nothing has been written yet, so nothing is left half done.
  if (!std::getline(in_, line)) throw std::runtime_error("stdin closed before the question was answered; nothing written");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line.empty() ? fallback : line;
}

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

}  // namespace ie::cli
