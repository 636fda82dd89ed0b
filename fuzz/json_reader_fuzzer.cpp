// The receiver's JSON reader (native/http/json_reader.cpp), which reads every track_event and
// track_events body. Beyond not crashing: an error names a byte within the input (1 .. size + 1),
// and the reader agrees with nlohmann's strict parser, which it replaced, on what is JSON (apart
// from its nesting limit, NUL bytes and a byte order mark).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "native/http/json_reader.hpp"

using ie::http::JsonError;
using ie::http::JsonNumberOverflow;
using ie::http::JsonReader;
using ie::http::JsonType;
using ie::http::JsonValue;

namespace {

// Walks the document so that every view and span is read (AddressSanitizer checks each byte).
std::size_t touch(const JsonValue& value, int depth) {
  if (depth > ie::http::kMaxJsonDepth + 1) std::abort();  // deeper than the reader allows
  std::size_t sum = value.key().size();
  switch (value.type()) {
    case JsonType::string:
      for (const char c : value.string()) sum += static_cast<unsigned char>(c);
      break;
    case JsonType::array:
    case JsonType::object:
      for (const JsonValue& item : value.items()) sum += touch(item, depth + 1);
      if (value.is_object() && !value.items().empty() && !value.find(value.items().back().key())) std::abort();
      break;
    default: break;
  }
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static JsonReader reader;  // reused, as the receiver reuses one per thread
  // nlohmann takes a NUL byte for the end of the input ("1\0x" is 1 to it) and skips a byte order
  // mark, which the reader refuses on purpose: no verdict to compare.
  if (text.find('\0') != std::string::npos || text.starts_with("\xEF\xBB\xBF")) {
    try {
      reader.read(text);
    } catch (const JsonError& error) {
      if (error.byte() < 1 || error.byte() > size + 1) std::abort();
    } catch (const JsonNumberOverflow&) {
    }
    return 0;
  }
  const bool nlohmann_accepts = nlohmann::json::accept(text);
  try {
    const JsonValue& root = reader.read(text);
    volatile std::size_t sum = touch(root, 0);
    (void)sum;
    if (!nlohmann_accepts) std::abort();  // read what is not JSON
  } catch (const JsonError& error) {
    if (error.byte() < 1 || error.byte() > size + 1) std::abort();
    const bool too_deep = std::strstr(error.what(), "inside each other") != nullptr;
    if (nlohmann_accepts && !too_deep) std::abort();  // refused JSON
  } catch (const JsonNumberOverflow&) {
    if (nlohmann_accepts) std::abort();  // nlohmann refuses 1e400 too, as out_of_range
  }
  return 0;
}
