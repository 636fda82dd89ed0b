#pragma once
// Accepts connections and starts a session for each (Beast's advanced_server listener), dealing
// them out to the server's event loops in turn. Past --max-connections open ones, a new connection
// is answered 503 at once and closed, so that established ones keep their file descriptors and
// accept never fails for want of one.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <memory>
#include <vector>

#include "native/http/event_loop.hpp"
#include "native/http/routes.hpp"
#include "native/http/session.hpp"
#include "native/http/session_registry.hpp"

namespace ie::http {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens at once, so a taken port is an error before start-up is announced. Accepts
  // on the first of the loops.
  Listener(const std::vector<EventLoop*>& loops, const boost::asio::ip::tcp::endpoint& endpoint, Routes& routes,
           SessionRegistry& sessions, std::size_t max_body_bytes, std::size_t max_connections);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void run();
  void stop();  // from any thread: no new connections

 private:
  void accept();
  void on_accept(EventLoop& loop, boost::beast::error_code error, SessionSocket socket);
  void refuse(SessionSocket& socket);

  std::vector<EventLoop*> loops_;
  std::size_t next_loop_ = 0;
  boost::asio::ip::tcp::acceptor acceptor_;
  Routes& routes_;
  SessionRegistry& sessions_;
  std::size_t max_body_bytes_;
  std::size_t max_connections_;
};

}  // namespace ie::http
