#include "native/http/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <iostream>

namespace ie::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(const std::vector<net::io_context*>& contexts, const tcp::endpoint& endpoint, Routes& routes,
                   SessionRegistry& sessions, std::size_t max_body_bytes)
    : contexts_(contexts), acceptor_(*contexts.front()), routes_(routes), sessions_(sessions), max_body_bytes_(max_body_bytes) {
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
  // The connection lives on the next context in turn: on one thread, spread over all of them.
  net::io_context& context = *contexts_[next_context_++ % contexts_.size()];
  acceptor_.async_accept(context.get_executor(), boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::beast::error_code error, SessionSocket socket) {
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
