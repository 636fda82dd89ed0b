#pragma once
// A real redis-server for tests, and a small binary-safe client over hiredis.
//
//   ie::test::RedisServerOptions options;
//   options.config = {"hll-sparse-max-bytes 100"};
//   ie::test::RedisServer server(options);
//   ie::test::RedisClient redis(server);
//   redis.command({"PFADD", "key", "a"}).integer;   // 1
//
// The server listens on 127.0.0.1 on a free port, saves nothing (`save ""`, `appendonly no`), keeps
// its files in a temporary directory of its own, and is stopped (and the directory removed) when the
// object goes. stop() and start() restart it on the same port, for tests of reconnection.
#include <chrono>
#include <filesystem>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

struct redisContext;

namespace ie::test {

struct RedisServerOptions {
  // Extra redis.conf lines, e.g. "hll-sparse-max-bytes 100" or "maxmemory 10mb".
  std::vector<std::string> config;
  std::string binary = "redis-server";  // looked up on PATH
  std::chrono::milliseconds startup_timeout{10000};
};

class RedisServer {
 public:
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string url() const;  // redis://127.0.0.1:PORT
  const std::filesystem::path& directory() const { return directory_; }
  bool running() const { return pid_ > 0; }

  // Shuts the server down (SIGTERM, then SIGKILL after a few seconds) and waits for it.
  void stop();
  // Starts it again, on the same port and with the same configuration; waits until it answers PING.
  void start();

 private:
  bool launch();  // false when the port turned out to be taken
  void wait_until_ready();
  std::string log_tail() const;

  RedisServerOptions options_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  std::filesystem::path directory_;
  pid_t pid_ = -1;
};

// One reply, recursively for arrays. `text` holds bulk strings, status lines and error messages.
struct RedisReply {
  enum class Type { string, integer, nil, status, error, array };
  Type type = Type::nil;
  std::string text;
  long long integer = 0;
  std::vector<RedisReply> elements;

  bool is_error() const { return type == Type::error; }
};

// A blocking connection. command() sends and waits; append() + read_reply() pipeline.
class RedisClient {
 public:
  RedisClient(const std::string& host, int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  explicit RedisClient(const RedisServer& server);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  RedisReply command(const std::vector<std::string>& args);
  RedisReply command(std::initializer_list<std::string_view> args);

  void append(const std::vector<std::string>& args);
  void append(std::initializer_list<std::string_view> args);
  RedisReply read_reply();

 private:
  void append_argv(const std::vector<const char*>& argv, const std::vector<std::size_t>& lengths);

  redisContext* context_ = nullptr;
};

// A connection, I/O or protocol failure (not an error reply, which comes back as a RedisReply).
struct RedisClientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ie::test
