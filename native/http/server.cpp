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

std::vector<std::unique_ptr<EventLoop>> loops_for(unsigned threads, std::chrono::seconds idle_timeout) {
  std::vector<std::unique_ptr<EventLoop>> loops;
  for (unsigned i = 0; i < std::max(1u, threads); ++i) loops.push_back(std::make_unique<EventLoop>(idle_timeout));
  return loops;
}

std::vector<EventLoop*> pointers_to(const std::vector<std::unique_ptr<EventLoop>>& loops) {
  std::vector<EventLoop*> pointers;
  for (const auto& loop : loops) pointers.push_back(loop.get());
  return pointers;
}

}  // namespace

Server::Server(Routes& routes, const tcp::endpoint& endpoint, const ReceiverConfig& config, unsigned threads)
    : loops_(loops_for(threads, config.idle_timeout)),
      listener_(std::make_shared<Listener>(pointers_to(loops_), endpoint, routes, sessions_, config.max_body_bytes,
                                            config.max_connections)),
      signals_(loops_.front()->context(), SIGINT, SIGTERM) {
  for (const auto& loop : loops_) idle_guards_.push_back(net::make_work_guard(loop->context()));
}

void Server::run() {
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (!error) shut_down();
  });
  listener_->run();
  for (const auto& loop : loops_) loop->idle().start();
  // A loop runs out of work, and its run() returns, once shutdown has released its guard and its
  // last session is done.
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < loops_.size(); ++i) {
    others.emplace_back([this, i] {
      name_this_thread(("ie-http-" + std::to_string(i)).c_str());
      loops_[i]->context().run();
    });
  }
  name_this_thread("ie-http-0");
  loops_.front()->context().run();
  for (auto& thread : others) thread.join();
}

void Server::shut_down() {
  listener_->stop();
  sessions_.stop_all();
  for (const auto& loop : loops_) loop->idle().stop();
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
