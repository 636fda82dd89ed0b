#include "tests/support/redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <cstdlib>  // mkdtemp
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

namespace ie::test {

namespace {

using Clock = std::chrono::steady_clock;

std::filesystem::path make_temp_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ie-redis-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory: " + std::string(std::strerror(errno)));
  return pattern;
}

// Asks the kernel for a free loopback port by binding port 0. Another process may take it before
// redis-server binds it, which RedisServer notices and retries.
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot find a free port: " + error);
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// Whether our child has exited (reaping it if so), without blocking. A child already reaped counts
// as exited too, so asking twice is safe.
bool has_exited(pid_t pid) {
  int status = 0;
  const pid_t result = ::waitpid(pid, &status, WNOHANG);
  return result == pid || (result < 0 && errno == ECHILD);
}

RedisReply convert(const redisReply* reply) {
  RedisReply converted;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
      converted.type = RedisReply::Type::string;
      converted.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_STATUS:
      converted.type = RedisReply::Type::status;
      converted.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      converted.type = RedisReply::Type::error;
      converted.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      converted.type = RedisReply::Type::integer;
      converted.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      converted.type = RedisReply::Type::array;
      for (std::size_t i = 0; i < reply->elements; ++i) converted.elements.push_back(convert(reply->element[i]));
      break;
    default:
      converted.type = RedisReply::Type::nil;
      break;
  }
  return converted;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// RedisServer

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)), directory_(make_temp_directory()) {
  try {
    for (int attempt = 0; attempt < 10; ++attempt) {
      port_ = free_loopback_port();
      if (launch()) return;
    }
    throw std::runtime_error("redis-server: no free port after 10 attempts");
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    throw;
  }
}

RedisServer::~RedisServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::string RedisServer::url() const { return "redis://" + host_ + ":" + std::to_string(port_); }

void RedisServer::start() {
  if (running()) return;
  if (!launch()) throw std::runtime_error("redis-server: port " + std::to_string(port_) + " was taken while stopped");
}

void RedisServer::stop() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!has_exited(pid_)) {
    if (Clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

bool RedisServer::launch() {
  const auto config_path = directory_ / "redis.conf";
  {
    std::ofstream config(config_path, std::ios::trunc);
    config << "bind " << host_ << "\nport " << port_ << "\ndir " << directory_.string()
           << "\nsave \"\"\nappendonly no\ndaemonize no\nlogfile \"\"\n";
    for (const auto& line : options_.config) config << line << '\n';
  }
  // Everything the child needs is prepared before fork: after it, only system calls.
  const std::string log_path = (directory_ / "redis.log").string();
  const std::string config = config_path.string();
  const std::string cannot_run = "cannot run " + options_.binary + "\n";
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  if (pid == 0) {
#ifdef __linux__
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test binary leaves no server behind
#endif
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int null = ::open("/dev/null", O_RDONLY);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::execlp(options_.binary.c_str(), options_.binary.c_str(), config.c_str(), static_cast<char*>(nullptr));
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, cannot_run.data(), cannot_run.size());
    ::_exit(127);
  }
  pid_ = pid;
  try {
    wait_until_ready();
    return true;
  } catch (const std::exception&) {
    const bool port_taken = log_tail().find("Address already in use") != std::string::npos;
    if (!has_exited(pid_)) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
    if (port_taken) return false;
    throw;
  }
}

// Ready when our own server answers: PING, then its `dir` must be our directory, so that a server of
// someone else that happens to own the port is never taken for ours.
void RedisServer::wait_until_ready() {
  const auto deadline = Clock::now() + options_.startup_timeout;
  while (Clock::now() < deadline) {
    if (has_exited(pid_)) throw std::runtime_error("redis-server exited at start-up: " + log_tail());
    try {
      RedisClient client(host_, port_, std::chrono::milliseconds(200));
      const RedisReply pong = client.command({"PING"});
      const RedisReply dir = client.command({"CONFIG", "GET", "dir"});
      if (pong.text == "PONG" && dir.elements.size() == 2 &&
          std::filesystem::equivalent(dir.elements[1].text, directory_) && !has_exited(pid_)) {
        return;
      }
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("redis-server did not answer PING in time: " + log_tail());
}

std::string RedisServer::log_tail() const {
  std::ifstream log(directory_ / "redis.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  return text.size() > 600 ? text.substr(text.size() - 600) : text;
}

// ---------------------------------------------------------------------------------------------
// RedisClient

RedisClient::RedisClient(const std::string& host, int port, std::chrono::milliseconds timeout) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  const timeval limit{static_cast<time_t>(micros / 1000000), static_cast<suseconds_t>(micros % 1000000)};
  context_ = redisConnectWithTimeout(host.c_str(), port, limit);
  if (!context_ || context_->err) {
    const std::string why = context_ ? context_->errstr : "out of memory";
    if (context_) redisFree(context_);
    context_ = nullptr;
    throw RedisClientError("cannot connect to redis at " + host + ":" + std::to_string(port) + ": " + why);
  }
}

RedisClient::RedisClient(const RedisServer& server) : RedisClient(server.host(), server.port()) {}

RedisClient::~RedisClient() {
  if (context_) redisFree(context_);
}

RedisReply RedisClient::command(const std::vector<std::string>& args) {
  append(args);
  return read_reply();
}

RedisReply RedisClient::command(std::initializer_list<std::string_view> args) {
  append(args);
  return read_reply();
}

void RedisClient::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  append_argv(argv, lengths);
}

void RedisClient::append(std::initializer_list<std::string_view> args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  append_argv(argv, lengths);
}

void RedisClient::append_argv(const std::vector<const char*>& argv, const std::vector<std::size_t>& lengths) {
  if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), const_cast<const char**>(argv.data()),
                             lengths.data()) != REDIS_OK) {
    throw RedisClientError(std::string("redis: cannot queue a command: ") + context_->errstr);
  }
}

RedisReply RedisClient::read_reply() {
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {
    throw RedisClientError(std::string("redis: ") + (context_->errstr[0] ? context_->errstr : "no reply"));
  }
  const auto* reply = static_cast<redisReply*>(raw);
  RedisReply converted = convert(reply);
  freeReplyObject(raw);
  return converted;
}

}  // namespace ie::test
