#pragma once
// The monitor's reading thread: it reads GET /-/events and queues what it hears for the
// monitor's loop, which it wakes through a pipe (one poll() there waits for keys, signals and
// these at once). When the stream ends or breaks it says so; with `reconnect` it then opens the
// stream again every second until it is back, saying so each time, else it stops.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/server_sent_events.hpp"
#include "native/cli/monitor_receiver.hpp"

namespace ie::cli {

struct FeedNews {
  enum class Kind { message, connected, disconnected } kind = Kind::message;
  ServerSentEvent message;  // kind message
  std::string reason;       // kind disconnected: why, for one line
  int attempt = 0;          // kind disconnected: how many reconnections failed so far
};

class MonitorFeed {
 public:
  // `first`: the stream already opened, so that a refused or absent receiver is an error before
  // the feed starts.
  MonitorFeed(const MonitorReceiver& receiver, std::unique_ptr<StreamingGet> first, bool reconnect);
  ~MonitorFeed();  // stops the thread and waits for it
  MonitorFeed(const MonitorFeed&) = delete;
  MonitorFeed& operator=(const MonitorFeed&) = delete;

  int wake_fd() const { return wake_[0]; }
  std::vector<FeedNews> take();  // what came since the last take(); empties the wake pipe

 private:
  void run(std::unique_ptr<StreamingGet> stream);
  void read_until_it_ends(StreamingGet& stream);
  std::unique_ptr<StreamingGet> reopen();
  void tell(FeedNews news);
  bool stopping();

  const MonitorReceiver& receiver_;
  const bool reconnect_;
  int wake_[2] = {-1, -1};
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stop_ = false;
  StreamingGet* reading_ = nullptr;  // under mutex_: what stop cancels
  std::deque<FeedNews> news_;
  std::thread thread_;
};

}  // namespace ie::cli
