#pragma once
// The receiver's event loop: one io_context run by a pool of threads, a listener, and signal
// handling. SIGTERM or SIGINT stops accepting, lets in-flight requests finish and be answered,
// and then run() returns, so the process exits 0 with nothing acknowledged left unwritten.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <string>

#include "native/http/listener.hpp"
#include "native/http/routes.hpp"
#include "native/http/session_registry.hpp"

namespace ie::http {

class Server {
 public:
  Server(Routes& routes, const boost::asio::ip::tcp::endpoint& endpoint, std::size_t max_body_bytes);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return listener_->local_endpoint(); }

  // Blocks until a signal has stopped the server and every session has ended.
  void run(unsigned threads);

 private:
  void shut_down();

  boost::asio::io_context context_;
  SessionRegistry sessions_;
  std::shared_ptr<Listener> listener_;
  boost::asio::signal_set signals_;
};

// "HOST:PORT" (HOST a name or an address, [v6] allowed); throws std::invalid_argument.
boost::asio::ip::tcp::endpoint resolve_listen_address(const std::string& host_port);

}  // namespace ie::http
