#include "native/http/server.hpp"

#include <algorithm>
#include <csignal>
#include <thread>
#include <vector>

#include "native/thread_name.hpp"

namespace ie::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// One io_context for each thread that will run it: told so, asio drops the locking it would need
// for several threads running one context.
std::vector<std::unique_ptr<net::io_context>> contexts_for(unsigned threads) {
  std::vector<std::unique_ptr<net::io_context>> contexts;
  for (unsigned i = 0; i < std::max(1u, threads); ++i) contexts.push_back(std::make_unique<net::io_context>(1));
  return contexts;
}

std::vector<net::io_context*> pointers_to(const std::vector<std::unique_ptr<net::io_context>>& contexts) {
  std::vector<net::io_context*> pointers;
  for (const auto& context : contexts) pointers.push_back(context.get());
  return pointers;
}

}  // namespace

Server::Server(Routes& routes, const tcp::endpoint& endpoint, std::size_t max_body_bytes, unsigned threads)
    : contexts_(contexts_for(threads)),
      listener_(std::make_shared<Listener>(pointers_to(contexts_), endpoint, routes, sessions_, max_body_bytes)),
      signals_(*contexts_.front(), SIGINT, SIGTERM) {
  for (const auto& context : contexts_) idle_guards_.push_back(net::make_work_guard(*context));
}

void Server::run() {
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (!error) shut_down();
  });
  listener_->run();
  // A context runs out of work, and its run() returns, once shutdown has released its guard and
  // its last session is done.
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    others.emplace_back([this, i] {
      name_this_thread(("ie-http-" + std::to_string(i)).c_str());
      contexts_[i]->run();
    });
  }
  name_this_thread("ie-http-0");
  contexts_.front()->run();
  for (auto& thread : others) thread.join();
}

void Server::shut_down() {
  listener_->stop();
  sessions_.stop_all();
  idle_guards_.clear();
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
