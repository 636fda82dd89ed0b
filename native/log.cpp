#include "native/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/snowplow/payload.hpp"
#include "native/wall_clock.hpp"

namespace ie::log {

namespace {

std::atomic<Format> current_format{Format::text};

const char* level_name(Level level) {
  switch (level) {
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "error";
}

void append_escaped(std::string& out, std::string_view message) {
  for (const char c : message) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
}

std::string json_line(Level level, std::string_view message, const Fields& fields, std::int64_t now_ms) {
  nlohmann::ordered_json object{{"time", snowplow::iso_timestamp(now_ms)}, {"level", level_name(level)}, {"message", message}};
  for (const auto& [name, value] : fields) {
    if (const auto* text = std::get_if<std::string_view>(&value)) object[std::string(name)] = *text;
    else object[std::string(name)] = std::get<std::int64_t>(value);
  }
  // Event names come from clients: bytes that are not UTF-8 become U+FFFD rather than an exception.
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
}

void write_all(const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone: nothing better to do with a log line
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace

void set_format(Format format) { current_format = format; }
Format format() { return current_format; }

std::optional<Format> parse_format(std::string_view text) {
  if (text == "text") return Format::text;
  if (text == "json") return Format::json;
  return std::nullopt;
}

std::string line(Format format, Level level, std::string_view message, const Fields& fields, std::int64_t now_ms) {
  if (format == Format::json) return json_line(level, message, fields, now_ms);
  std::string out = snowplow::iso_timestamp(now_ms);
  out.append(" ").append(level_name(level)).append(" ");
  append_escaped(out, message);
  out += '\n';
  return out;
}

void write(Level level, std::string_view message, const Fields& fields) {
  const std::string text = line(format(), level, message, fields, wall_clock_ms());
  static std::mutex mutex;  // a line longer than a pipe's atomic write must not interleave with another
  const std::lock_guard lock(mutex);
  write_all(text);
}

}  // namespace ie::log
