#pragma once
// The terminal of a full-screen command (the monitor): the alternate screen, so the user's
// scrollback is left as it was; keys read one by one without echo; the cursor hidden; and all of
// it put back however the command ends: normally, by an exception, or by a signal it turns into
// a normal end (SignalPipe).
#include <csignal>
#include <optional>
#include <string>
#include <termios.h>
#include <vector>

namespace ie::cli {

bool is_terminal(int fd);

struct TerminalSize {
  std::size_t rows = 24;
  std::size_t columns = 80;
};

// The terminal's size now, or 80x24 when it cannot tell.
TerminalSize terminal_size(int fd);

// While it lives: the alternate screen and a hidden cursor on stdout, and stdin (when it is a
// terminal) without echo or line editing, each key as it is pressed; Ctrl-C arrives as a key.
class FullScreen {
 public:
  FullScreen();
  ~FullScreen();
  FullScreen(const FullScreen&) = delete;
  FullScreen& operator=(const FullScreen&) = delete;

  // Draws these lines from the top left, each line cleared to its end, and the rest of the screen
  // cleared: no flicker from clearing everything first.
  void draw(const std::vector<std::string>& lines) const;
};

// Puts the terminal back now, from any thread or from std::terminate; harmless when no
// FullScreen is active. Only async-signal-safe calls.
void restore_terminal();

// The self-pipe trick: SIGINT, SIGTERM, SIGHUP and SIGQUIT (a request to stop) and SIGWINCH (a
// new size) become a byte on a pipe that the command's poll() loop reads, so no work happens in
// a signal handler. SIGPIPE is ignored: a closed pipe is a write error, seen where it happens.
class SignalPipe {
 public:
  SignalPipe();
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  int fd() const;  // readable when a signal came
  struct Received {
    bool stop = false;
    bool resized = false;
  };
  Received take();  // what came since the last take()
};

}  // namespace ie::cli
