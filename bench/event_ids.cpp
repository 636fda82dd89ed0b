// The SQLite store's event-id memory (native/store/event_id_set): bytes per remembered id at
// steady state, beside a vector of the same ids' 16 raw bytes measured in the same run, and the
// rebuild of the set from a store's event_id_log at start-up, beside reading the log's rows alone.
// bench/event_ids.sh runs it; targets: at most 24 bytes per id, rebuild of 10 million ids <= 2 s.
#include <sqlite3.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "native/store/event_id_set.hpp"
#include "native/store/sqlite_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using ie::sqlite::EventIdSet;

// VmRSS or VmHWM of this process, in bytes.
std::size_t status_bytes(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stoull(line.substr(line.find_first_of("0123456789"))) * 1024;
  }
  return 0;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU time of the whole process (the rebuild runs on the store's writer thread): on a shared
// machine the wall time also holds whatever else ran meanwhile.
double cpu_seconds() {
  timespec time{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time);
  return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_nsec) / 1e9;
}

// Random UUID v4 text, as browsers send them.
class Uuids {
 public:
  std::string next() {
    static const char* hex = "0123456789abcdef";
    std::string id = "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx";
    std::uint64_t bits = random_();
    int used = 0;
    for (char& c : id) {
      if (c != 'x') continue;
      if (used == 16) bits = random_(), used = 0;
      c = hex[bits & 15];
      bits >>= 4;
      ++used;
    }
    return id;
  }

 private:
  std::mt19937_64 random_{42};
};

// Steady state: `live` ids a window, one per ms, for four windows, the purge as often as the
// store's (once a minute in 7 days: every live / 10080 ids). Bytes per live id sampled over the
// last two windows: the shards grown ahead in the first window have been rebuilt for what lives.
struct SetMemory {
  double mean_bytes_per_id = 0, most_bytes_per_id = 0;
  double growing_bytes_per_id = 0;  // at the end of the first window, before any id expired
};
SetMemory steady_state(std::size_t live) {
  const std::size_t before = status_bytes("VmRSS:");
  EventIdSet ids;
  Uuids uuids;
  const std::int64_t start_ms = 1'700'000'000'000;
  const auto window = static_cast<std::int64_t>(live);
  double sum = 0, most = 0, growing = 0;
  int samples = 0;
  for (std::size_t n = 0; n < 4 * live; ++n) {
    const std::int64_t now = start_ms + static_cast<std::int64_t>(n);
    if (n % (live / 10'080 + 1) == 0) ids.forget_expired_before(now);
    ids.remember(uuids.next(), now, now + window);
    ids.keep();
    if (n + 1 == live) growing = static_cast<double>(status_bytes("VmRSS:") - before) / static_cast<double>(live);
    if (n >= 2 * live && n % (live / 20) == 0) {
      const double per_id = static_cast<double>(status_bytes("VmRSS:") - before) / static_cast<double>(live);
      sum += per_id;
      most = std::max(most, per_id);
      ++samples;
    }
  }
  return {sum / samples, most, growing};
}

double vector_bytes_per_id(std::size_t count) {
  const std::size_t before = status_bytes("VmRSS:");
  std::vector<EventIdSet::Fingerprint> raw;
  raw.reserve(count);
  Uuids uuids;
  for (std::size_t n = 0; n < count; ++n) raw.push_back(EventIdSet::fingerprint_of(uuids.next()));
  return static_cast<double>(status_bytes("VmRSS:") - before) / static_cast<double>(count);
}

// A store whose log holds `count` ids, written as the receiver writes them: batches of 1000.
void fill_store(const std::filesystem::path& path, std::size_t count) {
  ie::SqliteStore store(path);
  Uuids uuids;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (std::size_t done = 0; done < count; done += 1000) {
    std::vector<ie::EventWrites> events(1000);
    for (auto& event : events) event.event_id = uuids.next();
    store.apply(std::move(events), now);
    if (done % 1'000'000 == 0) std::fprintf(stderr, "  writing the log: %zu of %zu ids\r", done, count);
  }
  std::fprintf(stderr, "\n");
}

// Reading every row of the log, without building anything: the floor of any rebuild.
double read_log_seconds(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* rows = nullptr;
  sqlite3_prepare_v2(db, "SELECT row, expires_at_ms, ids FROM event_id_log ORDER BY row", -1, &rows, nullptr);
  const auto start = Clock::now();
  std::size_t bytes = 0;
  while (sqlite3_step(rows) == SQLITE_ROW) bytes += static_cast<std::size_t>(sqlite3_column_bytes(rows, 2));
  const double seconds = seconds_since(start);
  sqlite3_finalize(rows);
  sqlite3_close(db);
  std::fprintf(stderr, "  the log: %.0f MB of ids\n", static_cast<double>(bytes) / 1e6);
  return seconds;
}

// Open, then the first event with an id: that is when the store reads its log into the set.
struct Rebuild {
  double seconds = 0, cpu_seconds = 0;
};
Rebuild rebuild_seconds(const std::filesystem::path& path) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ie::SqliteStore store(path);
  std::vector<ie::EventWrites> warm(1);  // opening and a first commit, without ids
  store.apply(std::move(warm), now);
  std::vector<ie::EventWrites> first(1);
  first[0].event_id = "first-id-after-the-rebuild";
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  store.apply(std::move(first), now);
  return {seconds_since(start), cpu_seconds() - cpu_start};
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t live = argc > 1 ? std::stoull(argv[1]) : 10'000'000;
  const std::filesystem::path folder = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();

  const double reference = vector_bytes_per_id(live);
  const SetMemory memory = steady_state(live);
  const std::filesystem::path store = folder / "event_ids_bench.sqlite3";
  std::filesystem::remove(store);
  fill_store(store, live);
  const double read = read_log_seconds(store);
  const Rebuild rebuild = rebuild_seconds(store);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(store.string() + suffix);

  std::printf("event ids: %zu live ids\n", live);
  std::printf("%-44s %10s %12s %7s %s\n", "figure", "ours", "reference", "ratio", "target");
  std::printf("%-44s %10.1f %12.1f %7.2f %s\n", "bytes per id, steady state (mean of samples)", memory.mean_bytes_per_id, reference,
              memory.mean_bytes_per_id / reference, "<= 24 bytes");
  std::printf("%-44s %10.1f %12.1f %7.2f %s\n", "bytes per id, steady state (largest sample)", memory.most_bytes_per_id, reference,
              memory.most_bytes_per_id / reference, "<= 24 bytes");
  std::printf("%-44s %10.1f %12.1f %7.2f %s\n", "bytes per id, growing (end of the first window)", memory.growing_bytes_per_id,
              reference, memory.growing_bytes_per_id / reference, "(not steady: shards grow ahead)");
  std::printf("%-44s %10.2f %12.2f %7.2f %s\n", "rebuild from the log at start-up, s", rebuild.seconds, read,
              rebuild.seconds / read, "<= 2 s");
  std::printf("%-44s %10.2f %12s %7s\n", "  of which CPU time, s", rebuild.cpu_seconds, "", "");
  std::printf("(reference: a vector of the ids' 16-byte fingerprints; reading the log's rows without building the set)\n");
  const double peak_mib = static_cast<double>(status_bytes("VmHWM:")) / (1 << 20);
  std::printf("peak resident memory of the run: %.0f MiB\n", peak_mib);
  // bench/report.sh's rows (bench/report_row.sh has the columns).
  if (const char* report = std::getenv("BENCH_REPORT")) {
    if (std::FILE* file = std::fopen(report, "a")) {
      const auto verdict = [](bool met) { return met ? "met" : "NOT met"; };
      std::fprintf(file, "event_ids\tbytes per remembered id, steady state\t%.1f\t%.1f\t%.2f\t<= 24 bytes\t%s\n", memory.most_bytes_per_id,
                   reference, memory.most_bytes_per_id / reference, verdict(memory.most_bytes_per_id <= 24));
      std::fprintf(file, "event_ids\tbytes per remembered id, growing\t%.1f\t%.1f\t%.2f\t-\t-\n", memory.growing_bytes_per_id,
                   reference, memory.growing_bytes_per_id / reference);
      std::fprintf(file, "event_ids\trebuild of %zu ids at start-up (s)\t%.2f\t%.2f\t%.1f\t<= 2 s\t%s\n", live, rebuild.seconds, read,
                   rebuild.seconds / read, verdict(rebuild.seconds <= 2));
      std::fprintf(file, "event_ids\tpeak memory of the run (MiB)\t%.0f\t-\t-\t-\t-\n", peak_mib);
      std::fclose(file);
    }
  }
  return 0;
}
