// One of bench_json_reader's readers. bench/CMakeLists.txt compiles this file once per reader, each
// beside its reader's source and with `ie` defined to a namespace of its own, so that both readers
// of json_reader.hpp link into one program and are timed in the same run.
#include "native/http/json_reader.hpp"

// The body's events, read as the receiver reads them: by a reader the thread reuses.
std::size_t BENCH_READ(std::string_view body) {
  thread_local ie::http::JsonReader reader;
  const ie::http::JsonValue* events = reader.read(body).find("events");
  return events ? events->items().size() : 0;
}
