#include "native/cli/http_client.hpp"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

namespace ie::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

namespace {

constexpr std::size_t kReadPieceBytes = 64 * 1024;

std::invalid_argument bad_url(const std::string& url, const std::string& why) {
  return std::invalid_argument("invalid receiver URL '" + url + "' (" + why + "): expected http://HOST[:PORT][/PATH]");
}

std::string port_of(const std::string& url, std::string_view text) {
  int number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || number < 1 || number > 65535) throw bad_url(url, "bad port");
  return std::string(text);
}

std::string reason(const error_code& ec, std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) return "no answer within " + std::to_string(timeout.count()) + " ms";
  if (ec == asio::error::connection_refused) return "connection refused";
  return ec.message();
}

}  // namespace

ReceiverUrl ReceiverUrl::parse(const std::string& url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) throw bad_url(url, "https is not supported; the monitor talks to a receiver over plain http");
  if (!rest.starts_with("http://")) throw bad_url(url, "not http://");
  rest.remove_prefix(7);
  ReceiverUrl parsed{.host = {}, .port = "80", .base_path = {}, .text = url};
  const std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view base = rest.substr(authority.size());
  std::string_view host = authority;
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.substr(colon).find(']') == std::string_view::npos) {
    parsed.port = port_of(url, authority.substr(colon + 1));
    host = authority.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) throw bad_url(url, "no host");
  if (base.find_first_of("?#") != std::string_view::npos) throw bad_url(url, "no query or fragment allowed");
  while (base.ends_with('/')) base.remove_suffix(1);
  parsed.host = std::string(host);
  parsed.base_path = std::string(base);
  return parsed;
}

// One connection and its parser, on a private io_context run by the calling thread.
struct Connection {
  Connection(const ReceiverUrl& where, const RequestOptions& how) : url(where), options(how), stream(io) {}

  template <typename Operation>
  error_code run(Operation&& operation) {
    error_code result = asio::error::would_block;
    operation([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  [[noreturn]] void fail(const std::string& what, const error_code& ec) const {
    throw ReceiverUnreachable("no receiver at " + url.text + " (" + what + ": " + reason(ec, options.timeout) + ")");
  }

  // Connects, sends GET `target` and reads the answer's head into `parser`.
  template <typename Parser>
  void open(const std::string& target, Parser& parser) {
    tcp::resolver resolver(io);
    error_code ec;
    const auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) fail("resolving " + url.host, ec);
    stream.expires_after(options.timeout);
    if ((ec = run([&](auto handler) { stream.async_connect(endpoints, std::move(handler)); }))) fail("connecting", ec);
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, url.base_path + target, 11};
    request.set(bhttp::field::host, url.host + ":" + url.port);
    request.set(bhttp::field::user_agent, "internal-events/" INTERNAL_EVENTS_VERSION);
    if (options.bearer_token) request.set(bhttp::field::authorization, "Bearer " + *options.bearer_token);
    stream.expires_after(options.timeout);
    if ((ec = run([&](auto handler) { bhttp::async_write(stream, request, std::move(handler)); }))) fail("sending the request", ec);
    stream.expires_after(options.timeout);
    if ((ec = run([&](auto handler) { bhttp::async_read_header(stream, buffer, parser, std::move(handler)); }))) fail("reading the answer", ec);
  }

  ReceiverUrl url;
  RequestOptions options;
  asio::io_context io;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

HttpAnswer http_get(const ReceiverUrl& url, const std::string& target, const RequestOptions& options) {
  Connection connection(url, options);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  connection.open(target, parser);
  connection.stream.expires_after(options.timeout);
  if (const error_code ec = connection.run([&](auto handler) { bhttp::async_read(connection.stream, connection.buffer, parser, std::move(handler)); })) {
    connection.fail("reading the answer", ec);
  }
  return {static_cast<int>(parser.get().result_int()), parser.get().body()};
}

struct StreamingGet::Impl {
  Impl(const ReceiverUrl& url, const RequestOptions& options, std::chrono::milliseconds idle) : connection(url, options), idle_timeout(idle) {
    parser.body_limit(boost::none);  // a stream has no end
  }

  Connection connection;
  std::chrono::milliseconds idle_timeout;
  bhttp::response_parser<bhttp::buffer_body> parser;
  std::atomic<bool> cancelled{false};
};

StreamingGet::StreamingGet(const ReceiverUrl& url, const std::string& target, const RequestOptions& options,
                           std::chrono::milliseconds idle_timeout)
    : impl_(std::make_unique<Impl>(url, options, idle_timeout)) {
  impl_->connection.open(target, impl_->parser);
}

StreamingGet::~StreamingGet() = default;

int StreamingGet::status() const { return static_cast<int>(impl_->parser.get().result_int()); }

std::string StreamingGet::read_rest() {
  std::string body;
  for (std::string piece; !(piece = read_some()).empty();) {
    body += piece;
    if (body.size() > 64 * 1024) break;  // an error's message is short; anything longer is cut
  }
  return body;
}

std::string StreamingGet::read_some() {
  Connection& connection = impl_->connection;
  auto& parser = impl_->parser;
  char piece[kReadPieceBytes];
  while (!impl_->cancelled && !parser.is_done()) {
    parser.get().body().data = piece;
    parser.get().body().size = sizeof piece;
    parser.get().body().more = true;
    connection.stream.expires_after(impl_->idle_timeout);
    error_code ec = connection.run([&](auto handler) { bhttp::async_read_some(connection.stream, connection.buffer, parser, std::move(handler)); });
    if (ec == bhttp::error::need_buffer) ec = {};
    if (impl_->cancelled) break;
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof) break;
    if (ec == beast::error::timeout) {
      throw ReceiverUnreachable("the receiver at " + connection.url.text + " went silent: nothing for " +
                                std::to_string(impl_->idle_timeout.count() / 1000) + " s, not even a keep-alive");
    }
    if (ec) throw ReceiverUnreachable("the stream from the receiver at " + connection.url.text + " broke (" + ec.message() + ")");
    const std::size_t read = sizeof piece - parser.get().body().size;
    if (read) return std::string(piece, read);
  }
  return {};
}

void StreamingGet::cancel() {
  impl_->cancelled = true;
  asio::post(impl_->connection.io, [impl = impl_.get()] {
    error_code ignored;
    impl->connection.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    impl->connection.stream.cancel();
  });
}

}  // namespace ie::cli
