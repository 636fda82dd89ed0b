#pragma once
// A small blocking HTTP/1.1 client for commands that talk to a receiver by its URL (the monitor):
// one GET and its whole answer, or a GET whose body is read as it arrives (GET /-/events, a
// stream without an end). Plain http only: the receiver a developer watches is on their machine.
//
// Beast's tcp_stream gives deadlines to asynchronous operations only, so each operation is
// started asynchronously on the client's own io_context, which the calling thread then runs
// until it completes (as native/snowplow/collector_client.cpp does).
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace ie::cli {

struct ReceiverUrl {
  std::string host;
  std::string port;       // "80" when the URL has none
  std::string base_path;  // "" or "/prefix", without a trailing slash
  std::string text;       // the URL as given, for messages

  // "http://HOST[:PORT][/BASE]"; std::invalid_argument naming what is wrong.
  static ReceiverUrl parse(const std::string& url);
};

// No answer at all: refused, reset, timed out. The message names the URL and why.
struct ReceiverUnreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

struct RequestOptions {
  std::optional<std::string> bearer_token;     // sent as Authorization: Bearer
  std::chrono::milliseconds timeout{3000};      // connect, and the whole exchange
};

// GET base_path + target; throws ReceiverUnreachable.
HttpAnswer http_get(const ReceiverUrl& url, const std::string& target, const RequestOptions& options);

// A GET whose body is read piece by piece. One thread reads; any thread may cancel.
class StreamingGet {
 public:
  // Connects, sends the request and reads the answer's head; throws ReceiverUnreachable.
  // `idle_timeout`: how long read_some() waits for a byte before the stream counts as dead.
  StreamingGet(const ReceiverUrl& url, const std::string& target, const RequestOptions& options,
               std::chrono::milliseconds idle_timeout);
  ~StreamingGet();
  StreamingGet(const StreamingGet&) = delete;
  StreamingGet& operator=(const StreamingGet&) = delete;

  int status() const;
  // The rest of the body of an answer that is not a stream (an error's {"error": "…"}).
  std::string read_rest();

  // Blocks until bytes of the body arrive and returns them; "" once the stream has ended
  // (closed by the server, or cancelled). Throws ReceiverUnreachable when it breaks or stays
  // silent past the idle timeout.
  std::string read_some();

  // From any thread: a read_some() in progress, or the next one, returns "" at once.
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ie::cli
