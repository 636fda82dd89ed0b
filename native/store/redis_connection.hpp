#pragma once
// Talking to one Redis server: a command written in RESP, a hiredis connection that turns every
// I/O failure into StoreUnavailable, and a small pool of idle connections. Shared by the store's
// counter writes, its reads and its outbox.
#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "native/store/counter_store.hpp"

namespace ie {

struct RedisAddress {
  std::string host;
  int port = 6379;
  int database = 0;

  // "redis://HOST:PORT[/DB]" (HOST may be [IPv6]); throws std::invalid_argument.
  static RedisAddress parse(const std::string& url);
  std::string url() const;
};

namespace redis {

inline constexpr timeval kConnectTimeout{2, 0};
inline constexpr timeval kCommandTimeout{10, 0};
inline constexpr std::size_t kIdleConnections = 8;

// Error replies Redis gives before it runs anything: nothing was written, and trying again later
// may work.
inline bool refused_before_running(std::string_view error) {
  constexpr std::array<std::string_view, 10> kRefusals = {"LOADING", "MISCONF", "READONLY",    "OOM",         "BUSY",
                                                          "NOREPLICAS", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "NOAUTH"};
  return std::any_of(kRefusals.begin(), kRefusals.end(), [&](std::string_view refusal) {
    return error.starts_with(refusal) && (error.size() == refusal.size() || error[refusal.size()] == ' ');
  });
}

struct FreeReply {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, FreeReply>;

inline std::string_view text_of(const redisReply& reply) { return {reply.str, reply.len}; }

// A command in RESP, as Redis reads it, written as its arguments are added, so each is copied
// once. Written here rather than by hiredis's redisFormatCommandArgv, whose printf-style sdscatfmt
// per argument and repeated buffer growth were a tenth of the receiver's CPU with the Redis store
// (a batch's call has ~270 arguments).
class Command {
 public:
  Command() = default;
  Command(std::initializer_list<std::string_view> arguments) {
    for (const std::string_view argument : arguments) add(argument);
  }

  Command& add(std::string_view argument) { return add_joined(argument, {}); }
  Command& add_number(std::size_t number) {
    Digits digits;
    return add(decimal(number, digits));
  }
  // One argument made of two pieces, as a key's prefix and the rest.
  Command& add_joined(std::string_view first, std::string_view second) {
    append_bulk(arguments_, first, second);
    ++count_;
    return *this;
  }

  // The whole command; `before`: arguments that go ahead of the added ones.
  std::string resp(std::initializer_list<std::string_view> before = {}) const {
    std::size_t size = kLongestHeader + arguments_.size();
    for (const std::string_view argument : before) size += kLongestHeader + argument.size() + 2;
    std::string out;
    out.reserve(size);
    append_header(out, '*', before.size() + count_);
    for (const std::string_view argument : before) append_bulk(out, argument, {});
    return out.append(arguments_);
  }

 private:
  using Digits = std::array<char, 20>;  // the most a std::size_t needs
  static constexpr std::size_t kLongestHeader = 1 + std::tuple_size_v<Digits> + 2;

  static std::string_view decimal(std::size_t number, Digits& digits) {
    return {digits.data(), std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr};
  }
  // "*3\r\n" or "$5\r\n": a marker, a count, CRLF.
  static void append_header(std::string& out, char marker, std::size_t count) {
    Digits digits;
    out += marker;
    out.append(decimal(count, digits)).append("\r\n");
  }
  // A bulk string: its length's header, its bytes (in two pieces), CRLF.
  static void append_bulk(std::string& out, std::string_view first, std::string_view second) {
    append_header(out, '$', first.size() + second.size());
    out.append(first).append(second).append("\r\n");
  }

  std::string arguments_;
  std::size_t count_ = 0;
};

// One hiredis connection. Any I/O failure throws StoreUnavailable and leaves it broken: the pool
// then drops it, and the next call connects anew.
class Connection {
 public:
  explicit Connection(const RedisAddress& address) : address_(address) {
    context_.reset(redisConnectWithTimeout(address.host.c_str(), address.port, kConnectTimeout));
    if (!context_ || context_->err) io_failure("cannot connect");
    redisSetTimeout(context_.get(), kCommandTimeout);
    redisEnableKeepAlive(context_.get());
    if (address.database != 0) {
      expect_no_error(run(Command{"SELECT"}.add_number(address.database).resp()), "SELECT");
    }
  }

  Reply run(std::string_view resp) {
    append(resp);
    return reply();
  }

  void append(std::string_view resp) {
    if (redisAppendFormattedCommand(context_.get(), resp.data(), resp.size()) != REDIS_OK) {
      io_failure("cannot send");
    }
  }

  // Writes what append() buffered; reply() would, but only once every call is made.
  void flush() {
    int done = 0;
    while (!done) {
      if (redisBufferWrite(context_.get(), &done) != REDIS_OK) io_failure("cannot send");
    }
  }

  Reply reply() {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK || !raw) io_failure("no reply");
    return Reply(static_cast<redisReply*>(raw));
  }

  // An error reply: StoreUnavailable when Redis refused to run the command, else a plain error.
  const redisReply& expect_no_error(const Reply& reply, std::string_view command) const {
    if (reply->type != REDIS_REPLY_ERROR) return *reply;
    const std::string message = address_.url() + ": " + std::string(command) + ": " + std::string(text_of(*reply));
    if (refused_before_running(text_of(*reply))) throw StoreUnavailable(message);
    throw std::runtime_error(message);
  }

  // Whether an idle connection can still be used: nothing may be waiting to be read on it. A
  // server that went away (restart, idle timeout) has closed it, and the socket is readable.
  bool still_open() const {
    pollfd socket{context_->fd, POLLIN, 0};
    return context_->err == 0 && ::poll(&socket, 1, 0) == 0;
  }

 private:
  [[noreturn]] void io_failure(const char* what) const {
    const std::string why = context_ ? context_->errstr : "out of memory";
    throw StoreUnavailable(address_.url() + ": " + what + ": " + (why.empty() ? "connection closed" : why));
  }

  struct Free {
    void operator()(redisContext* context) const { redisFree(context); }
  };
  const RedisAddress& address_;
  std::unique_ptr<redisContext, Free> context_;
};

// Idle connections. A connection goes back only after a use that did not throw: after an
// exception it may hold unread replies or a broken socket, and is closed instead.
class ConnectionPool {
 public:
  explicit ConnectionPool(const RedisAddress& address) : address_(address) {}

  template <typename Use>
  auto with_connection(Use&& use) {
    std::unique_ptr<Connection> connection = take();
    if constexpr (std::is_void_v<std::invoke_result_t<Use&, Connection&>>) {
      use(*connection);
      give_back(std::move(connection));
    } else {
      auto result = use(*connection);
      give_back(std::move(connection));
      return result;
    }
  }

  // For a caller that holds connections to several servers at once (the cluster store pipelines
  // to every master before it reads a reply): a connection to use, and to give back only after a
  // use that did not throw.
  std::unique_ptr<Connection> take() {
    {
      const std::lock_guard lock(mutex_);
      while (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        if (connection->still_open()) return connection;
      }
    }
    return std::make_unique<Connection>(address_);
  }

  void give_back(std::unique_ptr<Connection> connection) {
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kIdleConnections) idle_.push_back(std::move(connection));
  }

 private:

  const RedisAddress& address_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};


}  // namespace redis
}  // namespace ie
