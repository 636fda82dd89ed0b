// internal-events monitor [EVENT...] [--url URL] [--api-token-file FILE]: watch events arrive at a
// receiver and the metrics they move, as GitLab's scripts/internal_events/monitor.rb does. What it
// shows is core/monitor_view.hpp's; this file is the loop around it: one poll() for keys, signals
// and the feed's news, metrics read again after each event and every few seconds.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <system_error>
#include <iostream>

#include "core/definitions.hpp"
#include "core/monitor_view.hpp"
#include "core/snowplow/payload.hpp"
#include "native/cli/arguments.hpp"
#include "native/cli/commands.hpp"
#include "native/cli/monitor_feed.hpp"
#include "native/cli/monitor_receiver.hpp"
#include "native/cli/terminal.hpp"
#include "native/http/identity.hpp"
#include "native/wall_clock.hpp"

namespace ie::cli {

namespace {

constexpr const char* kUsage = R"(usage: internal-events monitor [EVENT...] [--url URL] [--api-token-file FILE]

Watches a receiver live: the metrics that count the EVENTs (every metric when none is named),
with their value when the monitor started and now, changed ones highlighted; and the events as
they arrive, with their identifiers, properties and whether their Snowplow copy was queued.
7d and 28d metrics include the current week, so a click shows at once.

In a terminal it takes the whole screen: p pauses (events are held, not lost), r resets the
start values, q or Ctrl-C quits. Piped, it prints one line per event and one per changed metric.
A receiver that is not there is one line and exit code 1; one that goes away is reconnected to
on screen, and one line and exit code 1 when piped.

  --url URL              the receiver (default http://127.0.0.1:8080)
  --api-token-file FILE  the receiver's api token (its --api-token-file), when it has one
)";

constexpr auto kRefreshEvery = std::chrono::seconds(3);
constexpr const char* kDefaultUrl = "http://127.0.0.1:8080";

using Clock = std::chrono::steady_clock;

// Names go into the query as they are, so they are held to the definitions' rule first.
std::vector<std::string> event_names(const Arguments& arguments) {
  for (const auto& name : arguments.positionals()) {
    if (!is_definition_name(name)) throw UsageError("event name '" + name + "' must match ^[a-z0-9_]+$");
  }
  return arguments.positionals();
}

std::string title_of(const ReceiverUrl& url, const std::vector<std::string>& events) {
  std::string title = url.text + " · ";
  if (events.empty()) return title + "every event";
  for (std::size_t i = 0; i < events.size(); ++i) title += (i ? ", " : "") + events[i];
  return title;
}

std::string clock_text() {
  const std::string now = snowplow::iso_timestamp(wall_clock_ms());  // 2026-12-07T12:03:04.567Z
  return now.substr(11, 8) + " UTC";
}

// The loop and what it shows: the same for both faces, which differ in how they show it.
class Monitor {
 public:
  Monitor(const MonitorReceiver& receiver, std::string title, bool full_screen)
      : receiver_(receiver), title_(std::move(title)), full_screen_(full_screen) {}

  int run() {
    state_.take_reading(receiver_.read_metrics());  // the start values; no receiver: one line, exit 1
    MonitorFeed feed(receiver_, receiver_.open_events(), full_screen_);
    updated_ = clock_text();
    std::optional<FullScreen> screen;
    if (full_screen_) screen.emplace();
    screen_ = screen ? &*screen : nullptr;
    draw();
    next_refresh_ = Clock::now() + kRefreshEvery;
    while (!quit_) wait_and_handle(feed);
    return 0;
  }

 private:
  void wait_and_handle(MonitorFeed& feed) {
    const bool keys = screen_ && is_terminal(STDIN_FILENO) && !stdin_closed_;
    pollfd fds[3] = {{signals_.fd(), POLLIN, 0}, {feed.wake_fd(), POLLIN, 0}, {keys ? STDIN_FILENO : -1, POLLIN, 0}};
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_refresh_ - Clock::now());
    if (::poll(fds, 3, static_cast<int>(std::max<std::int64_t>(wait.count(), 0))) < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    bool refresh = Clock::now() >= next_refresh_;
    const SignalPipe::Received received = signals_.take();
    if (received.stop) quit_ = true;
    if (fds[2].revents) refresh |= read_keys();
    if (fds[1].revents) refresh |= take_news(feed);
    if (quit_) return;
    if (refresh) refresh_metrics();
    draw();
  }

  // True when the metrics should be read again at once.
  bool read_keys() {
    char keys[64];
    const ssize_t count = ::read(STDIN_FILENO, keys, sizeof keys);
    if (count <= 0) {
      stdin_closed_ = true;
      return false;
    }
    bool refresh = false;
    for (ssize_t i = 0; i < count; ++i) {
      switch (keys[i]) {
        case 'q': case 'Q': case 3 /* Ctrl-C */: case 4 /* Ctrl-D */: case 28 /* Ctrl-\ */:
          quit_ = true;
          break;
        case 'p': case 'P': case ' ':
          state_.toggle_pause();
          refresh |= !state_.paused();
          break;
        case 'r': case 'R':
          state_.reset_start_values();
          break;
        default:
          break;
      }
    }
    return refresh;
  }

  bool take_news(MonitorFeed& feed) {
    bool refresh = false;
    for (FeedNews& news : feed.take()) {
      switch (news.kind) {
        case FeedNews::Kind::message: refresh |= take_message(news.message); break;
        case FeedNews::Kind::connected:
          stream_trouble_.clear();
          refresh = true;  // what happened meanwhile is in the metrics, if not in the events table
          break;
        case FeedNews::Kind::disconnected:
          // Piped, a stream that ends is the end: the lines stop, and a script must see why.
          if (!screen_) throw std::runtime_error(news.reason);
          stream_trouble_ = news.reason + " · reconnecting every second" +
                            (news.attempt ? " (attempt " + std::to_string(news.attempt) + ")" : "");
          break;
      }
    }
    return refresh;
  }

  bool take_message(const ServerSentEvent& message) {
    try {
      if (message.type == "tracked") {
        EventRow row = event_row_of(message.data);
        if (!screen_) print(event_line(row));
        state_.add_event(std::move(row));
        return true;
      }
      if (message.type == "lost") {
        const std::uint64_t lost = lost_count_of(message.data);
        if (!screen_) print(lost_line(lost));
        state_.add_lost(lost);
      }
    } catch (const std::invalid_argument& error) {
      throw std::runtime_error("the receiver at " + receiver_.url().text + " sent an event the monitor cannot read: " + error.what());
    }
    return false;
  }

  void refresh_metrics() {
    next_refresh_ = Clock::now() + kRefreshEvery;
    if (state_.paused()) return;
    try {
      for (const MetricRow& row : state_.take_reading(receiver_.read_metrics())) {
        if (!screen_) print(metric_line(row));
      }
      updated_ = clock_text();
      metrics_trouble_.clear();
    } catch (const std::exception& error) {
      if (!screen_) throw;
      metrics_trouble_ = std::string("metrics not read: ") + error.what();
    }
  }

  void print(const std::string& line) {
    std::cout << line << '\n' << std::flush;
    if (!std::cout) quit_ = true;  // the reader of the pipe is gone
  }

  void draw() const {
    if (!screen_) return;
    const TerminalSize size = terminal_size(STDOUT_FILENO);
    const bool trouble = !stream_trouble_.empty() || !metrics_trouble_.empty();
    const std::string status = !stream_trouble_.empty()    ? stream_trouble_
                               : !metrics_trouble_.empty() ? metrics_trouble_
                                                           : "connected · updated " + updated_;
    screen_->draw(render_screen(state_, {size.columns, size.rows, title_, status, trouble}));
  }

  const MonitorReceiver& receiver_;
  const std::string title_;
  const bool full_screen_;
  SignalPipe signals_;
  MonitorState state_;
  FullScreen* screen_ = nullptr;
  std::string updated_;          // when the metrics were last read
  std::string stream_trouble_;   // the event stream is gone: why, and that it is being reopened
  std::string metrics_trouble_;  // the last metrics read failed: why
  bool quit_ = false;
  bool stdin_closed_ = false;
  Clock::time_point next_refresh_;
};

}  // namespace

int run_monitor(const CommandArgs& args) {
  const Arguments arguments(args);
  if (printed_help(arguments, kUsage)) return 0;
  arguments.allow_only({"url", "api-token-file"});
  const std::vector<std::string> events = event_names(arguments);
  ReceiverUrl url = [&] {
    try {
      return ReceiverUrl::parse(arguments.option_or("url", kDefaultUrl));
    } catch (const std::invalid_argument& error) {
      throw UsageError(std::string("--url: ") + error.what());
    }
  }();
  std::optional<std::string> token;
  if (const auto file = arguments.option("api-token-file")) token = http::read_secret_file(*file);
  const MonitorReceiver receiver(url, token, events);
  return Monitor(receiver, title_of(url, events), is_terminal(STDOUT_FILENO)).run();
}

}  // namespace ie::cli
