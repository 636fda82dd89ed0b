#include "native/http/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <array>
#include <string_view>

#include "native/event_problems.hpp"
#include "native/log.hpp"
#include "native/wall_clock.hpp"

namespace ie::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// A failed accept (no file descriptor left) is retried at once: one line a minute with the count,
// not a line per try.
static EventProblems& accept_errors() {
  static EventProblems errors([](const std::string& line) { log::error(line); });
  return errors;
}

namespace {

constexpr std::string_view kTooManyConnections =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 32\r\n\r\n"
    "{\"error\":\"too many connections\"}";

}  // namespace

Listener::Listener(const std::vector<EventLoop*>& loops, const tcp::endpoint& endpoint, Routes& routes,
                   SessionRegistry& sessions, std::size_t max_body_bytes, std::size_t max_connections)
    : loops_(loops),
      acceptor_(loops.front()->context()),
      routes_(routes),
      sessions_(sessions),
      max_body_bytes_(max_body_bytes),
      max_connections_(max_connections) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() { net::dispatch(acceptor_.get_executor(), boost::beast::bind_front_handler(&Listener::accept, shared_from_this())); }

void Listener::stop() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::beast::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  // The connection lives on the next loop in turn: on one thread, spread over all of them.
  EventLoop& loop = *loops_[next_loop_++ % loops_.size()];
  acceptor_.async_accept(loop.context().get_executor(),
                         boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this(), std::ref(loop)));
}

void Listener::on_accept(EventLoop& loop, boost::beast::error_code error, SessionSocket socket) {
  if (error == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!error && routes_.metrics().open_connections() >= max_connections_) {
    refuse(socket);
  } else if (!error) {
    auto session = std::make_shared<Session>(std::move(socket), loop, routes_, max_body_bytes_);
    sessions_.add(session);
    session->run();
  } else {
    accept_errors().report("accept", error.message(), "accept: " + error.message(), wall_clock_ms());
  }
  accept();
}

}  // namespace ie::http

namespace ie::http {

// On the accepting thread, without waiting: what the client sent already is read first, so that
// closing does not reset the connection before the answer is read; a client that does not take the
// answer at once just sees the connection close.
void Listener::refuse(SessionSocket& socket) {
  routes_.metrics().connection_refused();
  boost::beast::error_code ignored;
  socket.non_blocking(true, ignored);
  std::array<char, 4096> unread;
  socket.read_some(net::buffer(unread), ignored);
  socket.write_some(net::buffer(kTooManyConnections), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace ie::http
