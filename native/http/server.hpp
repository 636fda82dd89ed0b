#pragma once
// The receiver's event loops: one per thread, each running the connections the listener deals to
// it (so no connection needs a strand, and no call goes through a type-erased executor), plus
// signal handling. SIGTERM or SIGINT stops accepting, lets in-flight requests finish and be answered,
// and then run() returns, so the process exits 0 with nothing acknowledged left unwritten.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <string>
#include <vector>

#include "native/http/event_loop.hpp"
#include "native/http/listener.hpp"
#include "native/http/receiver_config.hpp"
#include "native/http/routes.hpp"
#include "native/http/session_registry.hpp"

namespace ie::http {

class Server {
 public:
  Server(Routes& routes, const boost::asio::ip::tcp::endpoint& endpoint, const ReceiverConfig& config, unsigned threads);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return listener_->local_endpoint(); }

  // Runs the event loops on as many threads, this one included. Blocks until a signal
  // has stopped the server and every session has ended.
  void run();

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  void shut_down();

  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<WorkGuard> idle_guards_;  // keep a loop without connections running until shutdown
  SessionRegistry sessions_;
  std::shared_ptr<Listener> listener_;
  boost::asio::signal_set signals_;
};

// "HOST:PORT" (HOST a name or an address, [v6] allowed); throws std::invalid_argument.
boost::asio::ip::tcp::endpoint resolve_listen_address(const std::string& host_port);

}  // namespace ie::http
