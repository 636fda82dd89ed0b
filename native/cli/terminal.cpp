#include "native/cli/terminal.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <exception>
#include <fcntl.h>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <sys/ioctl.h>
#include <system_error>
#include <unistd.h>

namespace ie::cli {

namespace {

constexpr std::string_view kEnter = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";  // alternate screen, cursor hidden
constexpr std::string_view kLeave = "\x1b[?25h\x1b[?1049l";               // cursor shown, main screen back

// What restore_terminal() puts back; set while a FullScreen lives.
std::atomic<bool> g_full_screen{false};
termios g_saved_mode{};
bool g_keys_raw = false;
std::terminate_handler g_previous_terminate = nullptr;

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // a terminal that is gone takes nothing more
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

void restore_then_terminate() {
  restore_terminal();
  if (g_previous_terminate) g_previous_terminate();
  std::abort();
}

void raw_keys() {
  if (!is_terminal(STDIN_FILENO) || ::tcgetattr(STDIN_FILENO, &g_saved_mode) != 0) return;
  termios raw = g_saved_mode;
  // Keys one at a time, not echoed; Ctrl-C, Ctrl-Z and Ctrl-\ arrive as keys, so that quitting
  // always goes through the path that puts the terminal back.
  raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO | ISIG | IEXTEN));
  raw.c_iflag &= static_cast<tcflag_t>(~(IXON | ICRNL));
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  g_keys_raw = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

// The pipe's write end, for the signal handler.
std::atomic<int> g_signal_write_fd{-1};

void on_signal(int number) {
  const int saved_errno = errno;
  const char byte = static_cast<char>(number);
  if (const int fd = g_signal_write_fd.load(); fd >= 0) (void)!::write(fd, &byte, 1);
  errno = saved_errno;
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// The pipe, and the handlers it replaced: the stop signals', SIGWINCH's and SIGPIPE's.
struct SignalPipeState {
  int fds[2] = {-1, -1};
  struct sigaction previous[std::size(kStopSignals) + 2] = {};
} g_pipe;

}  // namespace

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

TerminalSize terminal_size(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return {};
  return {size.ws_row, size.ws_col};
}

FullScreen::FullScreen() {
  raw_keys();
  g_previous_terminate = std::set_terminate(restore_then_terminate);
  g_full_screen = true;
  write_all(STDOUT_FILENO, kEnter);
}

FullScreen::~FullScreen() {
  restore_terminal();
  std::set_terminate(g_previous_terminate);
}

void FullScreen::draw(const std::vector<std::string>& lines) const {
  std::string frame = "\x1b[H";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    frame += lines[i];
    frame += "\x1b[K";
    if (i + 1 < lines.size()) frame += "\r\n";
  }
  frame += "\x1b[J";
  write_all(STDOUT_FILENO, frame);
}

void restore_terminal() {
  if (!g_full_screen.exchange(false)) return;
  write_all(STDOUT_FILENO, kLeave);
  if (g_keys_raw) ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_mode);
  g_keys_raw = false;
}

SignalPipe::SignalPipe() {
  if (::pipe2(g_pipe.fds, O_CLOEXEC | O_NONBLOCK) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  g_signal_write_fd = g_pipe.fds[1];
  struct sigaction action{};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  std::size_t slot = 0;
  for (const int number : kStopSignals) ::sigaction(number, &action, &g_pipe.previous[slot++]);
  ::sigaction(SIGWINCH, &action, &g_pipe.previous[slot++]);
  struct sigaction ignore{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &g_pipe.previous[slot]);
}

SignalPipe::~SignalPipe() {
  std::size_t slot = 0;
  for (const int number : kStopSignals) ::sigaction(number, &g_pipe.previous[slot++], nullptr);
  ::sigaction(SIGWINCH, &g_pipe.previous[slot++], nullptr);
  ::sigaction(SIGPIPE, &g_pipe.previous[slot], nullptr);
  g_signal_write_fd = -1;
  ::close(g_pipe.fds[0]);
  ::close(g_pipe.fds[1]);
}

int SignalPipe::fd() const { return g_pipe.fds[0]; }

SignalPipe::Received SignalPipe::take() {
  Received received;
  char bytes[64];
  ssize_t count;
  while ((count = ::read(g_pipe.fds[0], bytes, sizeof bytes)) > 0) {
    for (ssize_t i = 0; i < count; ++i) {
      if (bytes[i] == SIGWINCH) received.resized = true;
      else received.stop = true;
    }
  }
  return received;
}

}  // namespace ie::cli
