#pragma once
// The process's one logger: every runtime line on stderr goes through here, one line per call,
//   text (default):  2026-12-06T22:30:01.123Z warn message
//   json:            {"time":"2026-12-06T22:30:01.123Z","level":"warn","message":"message","event":"…"}
// Time is UTC with milliseconds. Fields (event, reason, count, …) appear only in JSON: the
// message already says them in words. Safe from any thread: each line is one write.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ie::log {

enum class Level { info, warn, error };
enum class Format { text, json };

struct Field {
  std::string_view name;
  std::variant<std::string_view, std::int64_t> value;
};
using Fields = std::vector<Field>;

// For the whole process; text until set (serve --log-format).
void set_format(Format format);
Format format();
// "text" or "json"; anything else is nothing.
std::optional<Format> parse_format(std::string_view text);

// The line as written, newline included; control characters in text lines are escaped so that
// a message (an event name a client chose) cannot start a line of its own.
std::string line(Format format, Level level, std::string_view message, const Fields& fields, std::int64_t now_ms);

void write(Level level, std::string_view message, const Fields& fields = {});
inline void info(std::string_view message, const Fields& fields = {}) { write(Level::info, message, fields); }
inline void warn(std::string_view message, const Fields& fields = {}) { write(Level::warn, message, fields); }
inline void error(std::string_view message, const Fields& fields = {}) { write(Level::error, message, fields); }

}  // namespace ie::log
