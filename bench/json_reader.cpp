// bench_json_reader: the receiver's JSON reader (native/http/json_reader.cpp) beside simdjson's
// on-demand parser (Debian's libsimdjson-dev 3.0.1) walking the same bodies, in the same run: the
// bodies bench/ingest/batch.lua sends, 50 events each with its own eid and random ids. Prints
// nanoseconds per body and per event for each, and their ratio.
//
// Issue #18, point 5 tried JsonReader's interface on simdjson (commit 437ef00) and kept ours: simdjson
// walks these bodies faster than ours reads them, but building JsonReader's values from it, with the
// byte positions and number rules of its contract, made that reader 1.26 to 1.44 times slower than
// ours, and it still could not name the byte of an error inside a string. The walk below is the least
// any reader on simdjson does (copy the body into a padded buffer, visit every value): the floor a
// new trial starts from.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "native/http/json_reader.hpp"

std::size_t sink = 0;  // results go here, outside this file's view, so that the compiler keeps the work

namespace {

using Clock = std::chrono::steady_clock;
namespace od = simdjson::ondemand;
constexpr int kEvents = 50, kBodies = 300;

// As batch.lua formats them: a thread's random eid part, a request counter and the event's index.
std::string batch_body(std::mt19937_64& rng, int request) {
  char eid_prefix[64];
  std::snprintf(eid_prefix, sizeof eid_prefix, "%08llx-0001-4%03llx-%llx%03llx-%010x",
                static_cast<unsigned long long>(rng() & 0xffffffff), static_cast<unsigned long long>(rng() % 4096),
                static_cast<unsigned long long>(8 + rng() % 4), static_cast<unsigned long long>(rng() % 4096), request);
  std::string body = R"({"events":[)";
  for (int i = 1; i <= kEvents; ++i) {
    char event[256];
    std::snprintf(event, sizeof event,
                  R"(%s{"event":"i_code_review_user_apply_suggestion","eid":"%s%02x","user_id":%d,"project_id":%d,)"
                  R"("additional_properties":{"label":"diff"}})",
                  i > 1 ? "," : "", eid_prefix, i, static_cast<int>(1 + rng() % 1000000), static_cast<int>(1 + rng() % 1000));
    body += event;
  }
  return body + "]}";
}

std::size_t read_ours(std::string_view body) {
  static ie::http::JsonReader reader;
  const ie::http::JsonValue* events = reader.read(body).find("events");
  return events ? events->items().size() : 0;
}

// Every value visited: strings unescaped, numbers converted, as a reader would have to.
void walk(od::value value) {
  switch (value.type().value()) {
    case od::json_type::object:
      for (auto field : value.get_object()) {
        sink += field.unescaped_key().value().size();
        walk(field.value());
      }
      return;
    case od::json_type::array:
      for (auto item : value.get_array()) walk(item.value());
      return;
    case od::json_type::string: sink += value.get_string().value().size(); return;
    case od::json_type::number: sink += static_cast<std::size_t>(value.get_number().value().as_double()); return;
    case od::json_type::boolean: sink += value.get_bool().value(); return;
    case od::json_type::null: sink += value.is_null().value(); return;
  }
}

// simdjson reads past the end of its input: the body goes into a padded buffer first, as the
// receiver's bodies would have to.
std::size_t read_simdjson(std::string_view body) {
  static od::parser parser;
  static std::vector<char> padded;
  padded.resize(body.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), body.data(), body.size());
  od::document document = parser.iterate(padded.data(), body.size(), padded.size());
  std::size_t events = 0;
  for (auto event : document["events"].get_array()) {
    walk(event.value());
    ++events;
  }
  return events;
}

// The best time per body of runs through all bodies for a quarter of a second: the least disturbed.
double best_ns_per_body(std::size_t (*read)(std::string_view), const std::vector<std::string>& bodies) {
  double best = 1e300;
  for (const auto until = Clock::now() + std::chrono::milliseconds(250); Clock::now() < until;) {
    const auto start = Clock::now();
    for (const std::string& body : bodies) sink += read(body);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(bodies.size());
    if (ns < best) best = ns;
  }
  return best;
}

}  // namespace

int main() {
  std::mt19937_64 rng(18);
  std::vector<std::string> bodies;
  for (int i = 0; i < kBodies; ++i) bodies.push_back(batch_body(rng, i));
  if (read_ours(bodies[0]) != kEvents || read_simdjson(bodies[0]) != kEvents) {
    std::fprintf(stderr, "bench_json_reader: a reader does not see %d events\n", kEvents);
    return 1;
  }
  // Alternated, and the best of three rounds each, as the machine's speed drifts within seconds.
  double ours = 1e300, simdjson = 1e300;
  for (int round = 0; round < 3; ++round) {
    ours = std::min(ours, best_ns_per_body(read_ours, bodies));
    simdjson = std::min(simdjson, best_ns_per_body(read_simdjson, bodies));
  }
  std::printf("body of %d events, %zu bytes\n", kEvents, bodies[0].size());
  std::printf("%-26s %10s %10s\n", "reader", "ns/body", "ns/event");
  std::printf("%-26s %10.0f %10.1f\n", "ours (JsonReader)", ours, ours / kEvents);
  std::printf("%-26s %10.0f %10.1f\n", "simdjson on-demand walk", simdjson, simdjson / kEvents);
  std::printf("simdjson / ours = %.2f\n", simdjson / ours);
}
