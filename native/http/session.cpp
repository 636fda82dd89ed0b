#include "native/http/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

namespace ie::http {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// Beast's default of 8 KiB is less than the cookies a browser sends to a big same-origin app.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

std::string address_of(const SessionSocket& socket) {
  beast::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  return error ? "unknown" : endpoint.address().to_string();
}

}  // namespace

Session::Session(SessionSocket&& socket, EventLoop& loop, Routes& routes, std::size_t max_body_bytes)
    : stream_(std::move(socket)), loop_(loop), routes_(routes), max_body_bytes_(max_body_bytes) {
  client_address_ = address_of(stream_.socket());
}

void Session::run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->loop_.idle().watch(self);
    self->read();
  });
}

void Session::stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (!self->busy_) self->close();
  });
}

void Session::read() {
  if (stopping_) return close();
  parser_.emplace();
  // Beast refuses a Content-Length over the limit as soon as the header is read, before the body.
  parser_->body_limit(max_body_bytes_);
  parser_->header_limit(kHeaderLimit);
  wait_for_client();
  bhttp::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

// Clients such as curl announce larger bodies with "Expect: 100-continue" and wait for the go-ahead
// (or a refusal, like 413, that saves sending the body at all).
void Session::on_header(beast::error_code error, std::size_t bytes) {
  if (error) return on_read(error, bytes);
  if (!beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) return read_body();
  bhttp::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code write_error, std::size_t) {
    if (write_error) return self->close();
    self->read_body();
  });
}

void Session::read_body() {
  bhttp::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
}

void Session::on_read(beast::error_code error, std::size_t) {
  if (error == bhttp::error::body_limit) return answer(Incoming{parser_->release(), client_address_, true});
  if (error) return close();
  answer(Incoming{parser_->release(), client_address_, false});
}

void Session::answer(Incoming incoming) {
  busy_ = true;
  deadline_ = std::chrono::steady_clock::time_point::max();
  incoming_ = std::move(incoming);
  // Tracked: a pending answer keeps the io_context running. The session and the work are moved
  // into the inbox, so the store's thread holds neither once the answer is delivered.
  auto tracked = net::prefer(stream_.get_executor(), net::execution::outstanding_work.tracked);
  routes_.handle(incoming_, [self = shared_from_this(), tracked](MakeResponse make) mutable {
    if (tracked.running_in_this_thread()) return self->write(make());  // answered at once
    EventLoop& loop = self->loop_;
    loop.deliver([self = std::move(self), make = std::move(make), work = std::move(tracked)] { self->write(make()); });
  });
}

void Session::write(Response response) {
  response_ = std::move(response);
  const bool keep_alive = response_.keep_alive() && !stopping_;
  response_.keep_alive(keep_alive);
  wait_for_client();
  bhttp::async_write(stream_, response_, beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive));
}

void Session::on_write(bool keep_alive, beast::error_code error, std::size_t) {
  busy_ = false;
  if (error || !keep_alive || stopping_) return close();
  read();
}

// An idle keep-alive connection, a client that stalls mid-request, or one that does not read its
// answer is closed once the loop's idle timeout has passed.
void Session::wait_for_client() { deadline_ = std::chrono::steady_clock::now() + loop_.idle().timeout(); }

void Session::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace ie::http
