#pragma once
// Reads a text/event-stream (the WHATWG "server-sent events" format GET /-/events writes) back
// into messages, as bytes arrive in whatever pieces the network hands them over:
//
//   : connected            <- a comment: skipped
//   event: tracked         <- the message's type ("message" when absent)
//   id: 17
//   data: {"name":…}       <- data lines, joined by "\n" when there are several
//                          <- a blank line ends the message
//
// Lines end with "\n" or "\r\n". A block without data is no message, as the format says.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ie {

struct ServerSentEvent {
  std::string type = "message";
  std::string id;
  std::string data;
};

class ServerSentEventReader {
 public:
  // A line longer than this is an error (std::runtime_error): a stream that is not one, or a
  // server gone wrong, must not grow the reader without bound.
  static constexpr std::size_t kMaxLineBytes = 16 * 1024 * 1024;

  // The messages that `bytes` completes; the rest is kept for the next call.
  std::vector<ServerSentEvent> feed(std::string_view bytes);

 private:
  void take_line(std::string_view line, std::vector<ServerSentEvent>& done);

  std::string partial_line_;
  ServerSentEvent current_;
  bool has_data_ = false;
};

}  // namespace ie
