// bench_json_reader: the receiver's JSON reader (native/http/json_reader.cpp) beside the same
// interface on simdjson (native/http/json_reader_simdjson.cpp), timed in the same run on the
// bodies bench/ingest/batch.lua sends: 50 events, each with its own eid and random ids. Prints
// nanoseconds per body and per event for each, and their ratio.
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

std::size_t read_ours(std::string_view body);
std::size_t read_simdjson(std::string_view body);

namespace {

using Clock = std::chrono::steady_clock;
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

// The best time per body of runs through all bodies for a quarter of a second: the least disturbed.
double best_ns_per_body(std::size_t (*read)(std::string_view), const std::vector<std::string>& bodies) {
  double best = 1e300;
  std::size_t events = 0;
  for (const auto until = Clock::now() + std::chrono::milliseconds(250); Clock::now() < until;) {
    const auto start = Clock::now();
    for (const std::string& body : bodies) events += read(body);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / static_cast<double>(bodies.size());
    if (ns < best) best = ns;
  }
  if (events % (kEvents * bodies.size()) != 0) std::fprintf(stderr, "bench_json_reader: a reader lost events\n");
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
  std::printf("%-10s %10s %10s\n", "reader", "ns/body", "ns/event");
  std::printf("%-10s %10.0f %10.1f\n", "ours", ours, ours / kEvents);
  std::printf("%-10s %10.0f %10.1f\n", "simdjson", simdjson, simdjson / kEvents);
  std::printf("simdjson / ours = %.2f\n", simdjson / ours);
}
