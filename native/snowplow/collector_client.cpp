// Beast's tcp_stream gives every operation a deadline (expires_after), but only for asynchronous
// operations; the emitter is one thread doing one request at a time, so each operation is started
// asynchronously on a private io_context that this thread then runs until it completes.
#include "native/snowplow/collector_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace ie::snowplow {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

namespace {

constexpr std::size_t kBodyStartBytes = 200;
constexpr std::string_view kTp2Path = "/com.snowplowanalytics.snowplow/tp2";

std::invalid_argument bad_url(const std::string& url, const std::string& why) {
  return std::invalid_argument("invalid collector URL '" + url + "' (" + why + "): expected http[s]://HOST[:PORT][/PATH]");
}

}  // namespace

CollectorUrl CollectorUrl::parse(const std::string& url) {
  CollectorUrl parsed;
  std::string_view rest = url;
  if (rest.starts_with("https://")) parsed.tls = true, rest.remove_prefix(8);
  else if (rest.starts_with("http://")) rest.remove_prefix(7);
  else throw bad_url(url, "not http:// or https://");
  const std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view base = rest.substr(authority.size());
  std::string_view host = authority;
  parsed.port = parsed.tls ? "443" : "80";
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.substr(colon).find(']') == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    int number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || number < 1 || number > 65535) throw bad_url(url, "bad port");
    parsed.port = std::string(port);
    host = authority.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) throw bad_url(url, "no host");
  if (base.find_first_of("?#") != std::string_view::npos) throw bad_url(url, "no query or fragment allowed");
  while (base.ends_with('/')) base.remove_suffix(1);
  parsed.host = std::string(host);
  parsed.path = std::string(base) + std::string(kTp2Path);
  return parsed;
}

std::string CollectorUrl::describe() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (tls ? "https://" : "http://") + (ipv6 ? "[" + host + "]" : host) + ":" + port + path;
}

struct CollectorClient::Impl {
  Impl(CollectorUrl where, CollectorOptions how) : url(std::move(where)), options(std::move(how)), tls(asio::ssl::context::tls_client) {
    tls.set_verify_mode(asio::ssl::verify_peer);
    if (options.ca_file) tls.load_verify_file(*options.ca_file);
    else tls.set_default_verify_paths();
  }

  // Starts `operation` (which takes a completion handler) and runs the io_context until it is done.
  template <typename Operation>
  error_code run(Operation&& operation) {
    error_code result = asio::error::would_block;
    operation([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  bool connected() const { return plain || secure; }

  void close() {
    error_code ignored;
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    if (plain) plain->socket().close(ignored);
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  error_code connect() {
    close();
    tcp::resolver resolver(io);
    error_code ec;
    const auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return ec;
    if (url.tls) secure.emplace(io, tls);
    else plain.emplace(io);
    lowest().expires_after(options.timeout);
    if ((ec = run([&](auto handler) { lowest().async_connect(endpoints, std::move(handler)); }))) return ec;
    if (!secure) return {};
    if (!SSL_set_tlsext_host_name(secure->native_handle(), url.host.c_str())) {
      return error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    secure->set_verify_callback(asio::ssl::host_name_verification(url.host));
    lowest().expires_after(options.timeout);
    return run([&](auto handler) { secure->async_handshake(asio::ssl::stream_base::client, std::move(handler)); });
  }

  template <typename Stream>
  error_code exchange(Stream& stream, bhttp::request<bhttp::string_body>& request, bhttp::response<bhttp::string_body>& response) {
    lowest().expires_after(options.timeout);
    if (const error_code ec = run([&](auto handler) { bhttp::async_write(stream, request, std::move(handler)); })) return ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1024 * 1024);
    lowest().expires_after(options.timeout);
    if (const error_code ec = run([&](auto handler) { bhttp::async_read(stream, buffer, parser, std::move(handler)); })) return ec;
    response = parser.release();
    return {};
  }

  error_code send(bhttp::request<bhttp::string_body>& request, bhttp::response<bhttp::string_body>& response) {
    if (!connected()) {
      if (const error_code ec = connect()) return ec;
    }
    return secure ? exchange(*secure, request, response) : exchange(*plain, request, response);
  }

  CollectorUrl url;
  CollectorOptions options;
  asio::io_context io;
  asio::ssl::context tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
};

CollectorClient::CollectorClient(CollectorUrl url, CollectorOptions options) : impl_(std::make_unique<Impl>(std::move(url), std::move(options))) {}

CollectorClient::~CollectorClient() = default;

const CollectorUrl& CollectorClient::url() const { return impl_->url; }

CollectorReply CollectorClient::post(std::string_view body) {
  bhttp::request<bhttp::string_body> request{bhttp::verb::post, impl_->url.path, 11};
  request.set(bhttp::field::host, impl_->url.host);
  request.set(bhttp::field::user_agent, "internal-events/" INTERNAL_EVENTS_VERSION);
  request.set(bhttp::field::content_type, "application/json; charset=utf-8");
  request.keep_alive(true);
  request.body() = std::string(body);
  request.prepare_payload();

  // A kept connection the collector has closed meanwhile fails at once: that is no answer from
  // the collector, so the request goes once more on a new connection.
  const bool reused = impl_->connected();
  bhttp::response<bhttp::string_body> response;
  error_code ec = impl_->send(request, response);
  if (ec && reused && ec != beast::error::timeout) {
    impl_->close();
    ec = impl_->send(request, response);
  }
  CollectorReply reply;
  if (ec) {
    impl_->close();
    reply.error = ec == beast::error::timeout ? "timed out after " + std::to_string(impl_->options.timeout.count()) + " ms" : ec.message();
    return reply;
  }
  reply.status = static_cast<int>(response.result_int());
  reply.body_start = response.body().substr(0, kBodyStartBytes);
  if (const auto found = response.find(bhttp::field::retry_after); found != response.end()) reply.retry_after = std::string(found->value());
  if (!response.keep_alive()) impl_->close();
  return reply;
}

void CollectorClient::cancel() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->close(); });
}

}  // namespace ie::snowplow
