// bench_hll: the cost of core/hll's operations, in nanoseconds per operation, one "name value" line
// each (bench/hll.sh puts them next to redis-server's own figures). Values look like
// redis-benchmark's __rand_int__ (12 decimal digits), so both sides hash the same kind of string.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/hll.hpp"

namespace {

using ie::HyperLogLog;
using ie::HyperLogLogUnion;
using Clock = std::chrono::steady_clock;

std::uint64_t sink = 0;  // results go here so the compiler cannot drop the work

std::string rand_int(std::uint64_t n) {
  char text[16];
  std::snprintf(text, sizeof text, "%012llu", static_cast<unsigned long long>(n % 1000000000000ULL));
  return text;
}

std::vector<std::string> random_values(std::size_t count, std::uint64_t range, std::mt19937_64& rng) {
  std::vector<std::string> values;
  values.reserve(count);
  for (std::size_t i = 0; i < count; ++i) values.push_back(rand_int(rng() % range));
  return values;
}

// Runs `body` (which does `operations` operations) until a quarter of a second has passed, and
// returns the best time per operation of the runs: the least disturbed by the rest of the machine.
template <class Body>
double best_ns_per_op(std::size_t operations, Body&& body) {
  double best = 1e300;
  const auto until = Clock::now() + std::chrono::milliseconds(250);
  int runs = 0;
  while (runs < 3 || Clock::now() < until) {
    const auto start = Clock::now();
    body();
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    best = std::min(best, ns / static_cast<double>(operations));
    ++runs;
  }
  return best;
}

HyperLogLog dense_of(const std::vector<std::string>& values) {
  HyperLogLog hll(0);  // a limit of 0 bytes: dense from the first value
  for (const auto& value : values) hll.add(value);
  return hll;
}

void report(const char* name, double ns, const char* what) { std::printf("%-22s %10.1f  %s\n", name, ns, what); }

}  // namespace

int main() {
  std::mt19937_64 rng(42);

  // Dense add: new random values into one dense key, as `PFADD key __rand_int__` does.
  const auto fresh = random_values(1000000, 100000000, rng);
  report("add_dense", best_ns_per_op(fresh.size(), [&] {
           HyperLogLog hll(0);
           for (const auto& value : fresh) sink += hll.add(value);
         }),
         "add() to a dense HyperLogLog, new random values");

  // Sparse add, the same workload as `PFADD key:__rand_int__ __rand_int__ -r 1000`: 1000 keys, each
  // op on a random key with a random value below 1000; the keys stay sparse (about 600 bytes).
  const std::size_t ops = 300000;
  const auto sparse_values = random_values(ops, 1000, rng);
  std::vector<std::size_t> sparse_keys(ops);
  for (auto& key : sparse_keys) key = rng() % 1000;
  report("add_sparse", best_ns_per_op(ops, [&] {
           std::vector<HyperLogLog> hlls(1000);
           for (std::size_t i = 0; i < ops; ++i) sink += hlls[sparse_keys[i]].add(sparse_values[i]);
         }),
         "add() to 1000 sparse keys, random key and value below 1000 (as redis-benchmark -r 1000)");

  // Sparse build: every value new, from empty until just before the default limit turns it dense.
  const auto build_values = random_values(1500, 100000000, rng);
  report("add_sparse_build", best_ns_per_op(build_values.size() * 20, [&] {
           for (int key = 0; key < 20; ++key) {
             HyperLogLog hll;
             for (const auto& value : build_values) sink += hll.add(value);
           }
         }),
         "add() of 1500 new values to an empty key (sparse until about 3000 bytes)");

  // Counts: one dense key (its cache valid, as PFCOUNT leaves it, and invalid) and the union of four
  // dense weekly keys, as a 28-day metric reads them, from objects and from stored bytes.
  std::vector<HyperLogLog> weeks;
  for (int week = 0; week < 4; ++week) weeks.push_back(dense_of(random_values(300000, 100000000, rng)));
  HyperLogLog& one = weeks[0];
  one.count();
  report("count_cached", best_ns_per_op(100000, [&] {
           for (int i = 0; i < 100000; ++i) sink += one.count();
         }),
         "count() of a dense key with a valid cache (what redis-benchmark PFCOUNT measures)");
  report("count_dense", best_ns_per_op(100, [&] {
           for (int i = 0; i < 100; ++i) sink += one.estimate();
         }),
         "count() of a dense key with an invalid cache (estimate())");
  report("count_union4", best_ns_per_op(100, [&] {
           for (int i = 0; i < 100; ++i) {
             HyperLogLogUnion all;
             for (const auto& week : weeks) all.add(week);
             sink += all.count();
           }
         }),
         "union of 4 dense keys (HyperLogLogUnion, as multi-key PFCOUNT)");
  std::vector<std::string> stored;
  for (const auto& week : weeks) stored.push_back(week.to_redis_bytes());
  report("count_union4_bytes", best_ns_per_op(100, [&] {
           for (int i = 0; i < 100; ++i) {
             HyperLogLogUnion all;
             for (const auto& bytes : stored) all.add_redis_bytes(bytes);
             sink += all.count();
           }
         }),
         "union of 4 dense keys read from their Redis bytes (validated)");

  // Merge: PFMERGE dest src with both dense.
  report("merge_dense", best_ns_per_op(100, [&] {
           for (int i = 0; i < 100; ++i) {
             HyperLogLog destination = weeks[1];
             destination.merge(weeks[2]);
             sink += destination.size_bytes();
           }
         }),
         "merge() of a dense key into a dense key (PFMERGE dest dest src)");

  std::fprintf(stderr, "(checksum %llu)\n", static_cast<unsigned long long>(sink));
  return 0;
}
