#pragma once
// One HTTP/1.1 connection (Beast's advanced_server session): read a request, let the routes
// answer it, write the answer, and read the next one while the client keeps the connection alive.
// A session lives on one io_context that one thread runs, so its handlers never run concurrently
// and need no strand. An answer may come later from another thread (a tracking request waits for
// its commit); it reaches the session through its loop's inbox, and until then the session counts
// as the loop's work, so the server does not stop with it unanswered.
// On shutdown an idle session closes at once and a busy one closes after its answer is written.
// After the answer to GET /-/events the connection carries the live event stream's messages (its
// listener wakes the session through the loop's inbox) until either side closes it.
//
// It moves the bytes itself, on the bare socket: Beast parses the requests, but its stream, read
// and write algorithms (composed operations, a post when a read needs no I/O, the serializer's
// buffer sequences) cost more per request than the system calls they make.
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "native/http/event_loop.hpp"
#include "native/http/message.hpp"
#include "native/http/prometheus.hpp"
#include "native/http/request_refusal.hpp"
#include "native/http/routes.hpp"

namespace ie::http {

// A connection bound to its io_context's own executor: no type-erased executor to call through.
using SessionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(SessionSocket&& socket, EventLoop& loop, Routes& routes, std::size_t max_body_bytes);

  void run();
  void stop();  // from any thread

  // For the loop's IdleWatch, on the loop's thread.
  bool overdue(std::chrono::steady_clock::time_point now) const { return now > deadline_; }
  void time_out() { close(); }

 private:
  // What send() writes in one system call (an answer's head and body), and what it does next.
  using Bytes = std::array<boost::asio::const_buffer, 2>;
  using Next = void (Session::*)();

  void read();
  void receive();
  std::size_t read_size();
  void parse();
  void on_request(boost::beast::error_code error);
  void refuse(const Refusal& refusal);
  void answer(Incoming incoming);
  void write(Response response);
  void send(const Bytes& bytes, Next next);
  void read_next();
  Next after_answer(bool keep_alive) const;
  void start_stream();
  void write_stream();
  void stream_written();
  void keep_stream_alive();
  void close();
  void linger();
  void discard();
  void wait_for_client();

  ConnectionSlot slot_;  // first: counted open for as long as the socket is
  SessionSocket socket_;
  boost::beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Incoming incoming_;  // kept alive until it is answered
  Response response_;  // its body is written from here: kept until the write completes
  std::string head_;   // the answer's status line and fields, one allocation for the connection
  EventLoop& loop_;
  Routes& routes_;
  std::size_t max_body_bytes_;
  std::string client_address_;
  // Waiting for the client (to send a request, or to take an answer) ends by then; never while the
  // answer waits for the store.
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  bool busy_ = false;      // a request was read and is not answered yet
  bool stopping_ = false;  // the server is shutting down: no further requests
  // While streaming: the listener, what is being written of its messages, and the keep-alive timer.
  std::shared_ptr<StreamListener> stream_;
  std::string stream_out_;
  bool stream_writing_ = false;
  std::optional<boost::asio::steady_timer> stream_timer_;
};

}  // namespace ie::http
