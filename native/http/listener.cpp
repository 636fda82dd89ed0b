#include "native/http/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>
#include <iostream>

namespace ie::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& context, const tcp::endpoint& endpoint, Routes& routes, SessionRegistry& sessions,
                   std::size_t max_body_bytes)
    : context_(context), acceptor_(net::make_strand(context)), routes_(routes), sessions_(sessions), max_body_bytes_(max_body_bytes) {
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
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(net::make_strand(context_), boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::beast::error_code error, tcp::socket socket) {
  if (error == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!error) {
    auto session = std::make_shared<Session>(std::move(socket), routes_, max_body_bytes_);
    sessions_.add(session);
    session->run();
  } else {
    std::cerr << "internal-events: accept: " << error.message() << '\n';
  }
  accept();
}

}  // namespace ie::http
