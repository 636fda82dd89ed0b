#include "native/http/listener.hpp"

#include <boost/asio/dispatch.hpp>

#include "native/log.hpp"

namespace ie::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Listener::Listener(const std::vector<EventLoop*>& loops, const tcp::endpoint& endpoint, Routes& routes,
                   SessionRegistry& sessions, std::size_t max_body_bytes)
    : loops_(loops), acceptor_(loops.front()->context()), routes_(routes), sessions_(sessions), max_body_bytes_(max_body_bytes) {
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
  if (!error) {
    auto session = std::make_shared<Session>(std::move(socket), loop, routes_, max_body_bytes_);
    sessions_.add(session);
    session->run();
  } else {
    log::error("accept: " + error.message());
  }
  accept();
}

}  // namespace ie::http
