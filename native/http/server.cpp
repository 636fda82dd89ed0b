#include "native/http/server.hpp"

#include <csignal>
#include <thread>
#include <vector>

namespace ie::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

Server::Server(Routes& routes, const tcp::endpoint& endpoint, std::size_t max_body_bytes)
    : listener_(std::make_shared<Listener>(context_, endpoint, routes, sessions_, max_body_bytes)),
      signals_(context_, SIGINT, SIGTERM) {}

void Server::run(unsigned threads) {
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (!error) shut_down();
  });
  listener_->run();
  // The io_context runs out of work, and run() returns, once the listener and every session are done.
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([this] { context_.run(); });
  context_.run();
  for (auto& thread : pool) thread.join();
}

void Server::shut_down() {
  listener_->stop();
  sessions_.stop_all();
}

tcp::endpoint resolve_listen_address(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == host_port.size()) {
    throw std::invalid_argument("--listen " + host_port + " must be HOST:PORT");
  }
  std::string host = host_port.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  net::io_context context;
  tcp::resolver resolver(context);
  boost::system::error_code error;
  const auto results = resolver.resolve(host, host_port.substr(colon + 1), tcp::resolver::passive | tcp::resolver::numeric_service, error);
  if (error || results.empty()) throw std::invalid_argument("--listen " + host_port + ": " + (error ? error.message() : "no address"));
  return results.begin()->endpoint();
}

}  // namespace ie::http
