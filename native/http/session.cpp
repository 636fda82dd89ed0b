#include "native/http/session.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string_view>

#include "native/event_stream/stream_listener.hpp"
#include "native/http/response_head.hpp"

namespace ie::http {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// Beast's default of 8 KiB is less than the cookies a browser sends to a big same-origin app.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// The most one read asks for, as Beast's read algorithms do.
constexpr std::size_t kReadLimit = 64 * 1024;
// What a connection keeps between requests, in its buffer and of the body it answered: a 50-event
// batch (about 7 KB) fits.
constexpr std::size_t kKeptBufferBytes = 16 * 1024;
// What Beast writes for response<empty_body>{status::continue_, 11}.
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string address_of(const SessionSocket& socket) {
  beast::error_code error;
  const auto endpoint = socket.remote_endpoint(error);
  return error ? "unknown" : endpoint.address().to_string();
}

// Clients such as curl announce larger bodies with "Expect: 100-continue" and wait for the go-ahead
// (or a refusal, like 413, that saves sending the body at all).
bool expects_continue(const Request& request) { return beast::iequals(request[bhttp::field::expect], "100-continue"); }

// Frees what `value` holds. Assigning an empty one would not: a std::string keeps its capacity.
template <typename T>
void release(T& value) {
  const T dropped = std::move(value);
}

// What is left of `bytes` once the first `sent` of them are written.
std::array<net::const_buffer, 2> unsent(const std::array<net::const_buffer, 2>& bytes, std::size_t sent) {
  const std::size_t from_first = std::min(sent, bytes[0].size());
  return {bytes[0] + from_first, bytes[1] + (sent - from_first)};
}

}  // namespace

Session::Session(SessionSocket&& socket, EventLoop& loop, Routes& routes, std::size_t max_body_bytes)
    : slot_(routes.metrics()), socket_(std::move(socket)), loop_(loop), routes_(routes), max_body_bytes_(max_body_bytes) {
  client_address_ = address_of(socket_);
}

void Session::run() {
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->loop_.idle().watch(self);
    // send() writes at once what the socket takes: a client that does not read must not block the loop.
    beast::error_code error;
    self->socket_.non_blocking(true, error);
    if (error) return self->close();
    self->read();
  });
}

void Session::stop() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (!self->busy_) self->close();
  });
}

void Session::read() {
  if (stopping_) return close();
  parser_.emplace();
  // The parser refuses a Content-Length over the limit as soon as the header is read, before the body.
  parser_->body_limit(max_body_bytes_);
  parser_->header_limit(kHeaderLimit);
  wait_for_client();
  parse();
}

void Session::receive() {
  const auto space = buffer_.prepare(read_size());
  socket_.async_read_some(space, [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
    self->buffer_.commit(bytes);
    // The end of the stream ends a request as fatally as any error: a request's length is known
    // from its header, never from the end of the stream.
    if (error) return self->close();
    self->parse();
  });
}

// Beast's read_size() asks for the room the buffer has, at least 512 bytes; but each parse empties
// the buffer, so it never grew past 512 bytes: a batch of 6 KB took 13 reads, each with a trip
// through the event loop. Once the header tells the body's length, one read asks for all of it.
std::size_t Session::read_size() {
  const std::size_t room = beast::read_size(buffer_, kReadLimit);
  if (!parser_->is_header_done()) return room;
  const auto body_left = parser_->content_length_remaining();
  if (!body_left) return room;  // chunked: as it comes
  return std::max(room, static_cast<std::size_t>(std::min<std::uint64_t>(*body_left, kReadLimit)));
}

// Feeds the parser what the buffer holds (a request the client pipelined may already be there) and
// receives more while it needs it. The parser is not eager: it returns once the header is complete,
// so that a client that expects it gets its go-ahead before the body is read.
void Session::parse() {
  beast::error_code error;
  while (!parser_->is_done() && buffer_.size() > 0) {
    const bool had_header = parser_->is_header_done();
    buffer_.consume(parser_->put(buffer_.data(), error));
    if (error == bhttp::error::need_more) break;
    if (error) return on_request(error);
    if (had_header || !parser_->is_header_done()) continue;
    if (auto refusal = refusal_for_head(parser_->get(), parser_->chunked())) return refuse(*refusal);
    if (expects_continue(parser_->get())) return send({net::buffer(kContinue), {}}, &Session::parse);
  }
  if (!parser_->is_done()) return receive();
  on_request({});
}

// A Content-Length over the limit stops the parser with only the header read: the routes refuse the
// request (413) and the connection closes, as the unread body would be taken for the next request.
// Any other parse error is answered too (400, 431), instead of a silent close the client cannot
// tell from a network fault.
void Session::on_request(beast::error_code error) {
  if (error == bhttp::error::body_limit) return answer(Incoming{parser_->release(), client_address_, true});
  if (error) return refuse(refusal_for(error));
  answer(Incoming{parser_->release(), client_address_, false});
}

void Session::refuse(const Refusal& refusal) {
  busy_ = true;
  deadline_ = std::chrono::steady_clock::time_point::max();
  parser_.reset();
  write(routes_.refuse(refusal));
}

void Session::answer(Incoming incoming) {
  busy_ = true;
  deadline_ = std::chrono::steady_clock::time_point::max();
  incoming_ = std::move(incoming);
  // Tracked: a pending answer keeps the io_context running. The session and the work are moved
  // into the inbox, so the store's thread holds neither once the answer is delivered.
  auto tracked = net::prefer(socket_.get_executor(), net::execution::outstanding_work.tracked);
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
  write_head(response_, head_);
  send({net::buffer(head_), net::buffer(response_.body())}, after_answer(keep_alive));
}

Session::Next Session::after_answer(bool keep_alive) const {
  if (keep_alive) return &Session::read_next;
  if (stopping_) return &Session::close;
  return incoming_.stream ? &Session::start_stream : &Session::linger;
}

// Writes `bytes`, then goes on with `next`. One non-blocking attempt first: a small answer fits in
// the socket's send buffer, and the session goes on without a round trip through the io_context.
// What the socket does not take is written when it can.
void Session::send(const Bytes& bytes, Next next) {
  beast::error_code error;
  const std::size_t sent = socket_.write_some(bytes, error);
  if (error && error != net::error::would_block) return close();
  if (sent == net::buffer_size(bytes)) return (this->*next)();
  wait_for_client();  // to take the rest
  net::async_write(socket_, unsent(bytes, sent), [self = shared_from_this(), next](beast::error_code write_error, std::size_t) {
    if (write_error) return self->close();
    ((*self).*next)();
  });
}

// The answer is written and the client keeps the connection.
void Session::read_next() {
  busy_ = false;
  // An idle keep-alive connection keeps neither a large body it answered nor the buffer that read
  // it: a thousand connections that had each sent a 100 KB batch held 170 MB.
  if (incoming_.message.body().capacity() > kKeptBufferBytes) release(incoming_);
  if (buffer_.size() == 0) {
    if (buffer_.capacity() > kKeptBufferBytes) buffer_.shrink_to_fit();
    return read();
  }
  // A request the client pipelined is already here: parse it on a fresh stack, as answering it at
  // once would nest one call chain per request for a long pipeline.
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->read(); });
}

// An idle keep-alive connection, a client that stalls mid-request, or one that does not read its
// answer is closed once the loop's idle timeout has passed.
void Session::wait_for_client() { deadline_ = std::chrono::steady_clock::now() + loop_.idle().timeout(); }

// After a last answer, the client may still be sending (the rest of a refused body or header).
// Closing a socket with unread bytes resets the connection, and the reset can reach the client
// before it has read the answer; so, as nginx's lingering close does, the sending side is shut and
// what still arrives is read and dropped until the client closes or the idle timeout passes.
void Session::linger() {
  busy_ = false;  // shutdown may close it at once
  beast::error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  release(incoming_);
  release(response_);
  buffer_.clear();
  buffer_.shrink_to_fit();
  wait_for_client();
  discard();
}

void Session::discard() {
  if (stopping_) return close();
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->close();
    self->discard();
  });
}

// The answer's head is written: from now on the connection carries the listener's messages. What
// the client still sends is read and dropped, which also tells when it closes. Idle waiting for
// events has no deadline; a client that stops taking what is written is closed after the idle
// timeout, as any other (its listener meanwhile drops its oldest messages).
void Session::start_stream() {
  busy_ = false;  // shutdown closes it at once
  deadline_ = std::chrono::steady_clock::time_point::max();
  stream_ = std::move(incoming_.stream);
  release(incoming_);
  release(response_);
  stream_timer_.emplace(socket_.get_executor());
  keep_stream_alive();
  stream_->on_ready([weak = weak_from_this(), &loop = loop_] {
    loop.deliver([weak] {
      if (const auto self = weak.lock()) self->write_stream();
    });
  });
  discard();
}

void Session::write_stream() {
  if (stream_writing_ || !stream_) return;
  stream_out_ = stream_->take();
  if (stream_out_.empty()) return;
  stream_writing_ = true;
  send({net::buffer(stream_out_), {}}, &Session::stream_written);
}

void Session::stream_written() {
  stream_writing_ = false;
  deadline_ = std::chrono::steady_clock::time_point::max();
  write_stream();  // what arrived meanwhile
}

// A comment every 15 s: proxies and clients that time out quiet connections keep this one, and a
// client that went away without closing is found by the write failing.
void Session::keep_stream_alive() {
  stream_timer_->expires_after(std::chrono::seconds(15));
  stream_timer_->async_wait([self = shared_from_this()](beast::error_code error) {
    if (error || !self->stream_) return;
    if (!self->stream_writing_) {
      self->stream_out_ = ": keep-alive\n\n";
      self->stream_writing_ = true;
      self->send({net::buffer(self->stream_out_), {}}, &Session::stream_written);
    }
    self->keep_stream_alive();
  });
}

void Session::close() {
  if (stream_) {
    stream_->close();
    stream_.reset();
    stream_timer_->cancel();
  }
  beast::error_code ignored;
  socket_.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace ie::http
