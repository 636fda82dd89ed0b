#!/usr/bin/env bash
# The HyperLogLog benchmark: core/hll's add, count and merge per operation (bench_hll), beside
# redis-server's PFADD, PFCOUNT and PFMERGE measured in the same run by redis-benchmark (50 clients,
# pipelines of 50), and the targets: our add at most 1/10 of Redis's PFADD time per operation, our
# union of 4 keys (a 28-day metric) at most Redis's multi-key PFCOUNT.
# Needs cmake, ninja, g++, redis-server and redis-benchmark (scripts/bootstrap.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

bench_name=hll
source bench/report_row.sh

build=${BUILD_DIR:-build/native}  # the build scripts/build.sh makes
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_hll >/dev/null

# A redis-server of our own: loopback, a free port, a temporary directory, nothing saved.
dir=$(mktemp -d)
dir=$(cd "$dir" && pwd -P)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

start_redis() {
  for _ in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" \
      --logfile "$dir/redis.log" --daemonize no &
    pid=$!
    for _ in $(seq 1 200); do
      kill -0 "$pid" 2>/dev/null || break
      # Ours only when it answers with our directory: the port may belong to someone else.
      [ "$(redis-cli -p "$port" config get dir 2>/dev/null | tail -n 1)" = "$dir" ] && return 0
      sleep 0.05
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  done
  echo "bench/hll.sh: could not start redis-server (see $dir/redis.log)" >&2
  exit 1
}

# Nanoseconds per operation of one redis-benchmark run: 1e9 / requests per second.
redis_ns() {
  local requests=$1 range=$2
  shift 2
  redis-benchmark -p "$port" -n "$requests" -P 50 -r "$range" --csv "$@" 2>/dev/null |
    awk -F'"' 'NR == 2 { printf "%.1f", 1e9 / $4 }'
}

start_redis
version=$(redis-server --version | sed 's/.* v=\([^ ]*\) .*/\1/')
echo "core/hll (bench_hll) and redis-server $version on 127.0.0.1:$port, $(nproc) cores, same run"

redis_add_dense=$(redis_ns 2000000 100000000 PFADD bench:dense __rand_int__)
redis_add_sparse=$(redis_ns 300000 1000 PFADD 'bench:sparse:__rand_int__' __rand_int__)
redis_count_one=$(redis_ns 1000000 1 PFCOUNT bench:dense)
for week in 1 2 3 4; do
  redis-benchmark -p "$port" -n 300000 -P 50 -r 100000000 -q PFADD "bench:week$week" __rand_int__ >/dev/null 2>&1
done
redis_count_union4=$(redis_ns 5000 1 PFCOUNT bench:week1 bench:week2 bench:week3 bench:week4)
redis-cli -p "$port" copy bench:week2 bench:merged >/dev/null
redis_merge=$(redis_ns 5000 1 PFMERGE bench:merged bench:week3)

ours=$("$build/bench/bench_hll" 2>/dev/null)
our() { awk -v name="$1" '$1 == name { print $2 }' <<<"$ours"; }

row() {  # label, ours, redis, target ratio ("" for none)
  local ours redis ratio target verdict
  IFS=$'\t' read -r ours redis ratio target verdict < <(awk -v ours="$2" -v redis="$3" -v target="$4" 'BEGIN {
    ratio = redis == "" ? "-" : sprintf("%.3f", ours / redis)
    verdict = target == "" ? "-" : (ours / redis <= target ? "met" : "NOT met")
    printf "%.1f\t%s\t%s\t%s\t%s\n", ours, redis == "" ? "-" : redis, ratio, target == "" ? "-" : "<= " target, verdict
  }')
  printf "%-44s %12s %12s %9s  %-6s %s\n" "$1" "$ours" "$redis" "$ratio" "${target/#-/}" "${verdict/#-/}"
  report_row "$1 (ns)" "$ours" "$redis" "$ratio" "$target" "$verdict"
}

printf "%-44s %12s %12s %9s  %s\n" "operation (ns per operation)" "ours" "redis" "ratio" "target"
row "add, one dense key (PFADD key __rand_int__)" "$(our add_dense)" "$redis_add_dense" 0.1
row "add, 1000 sparse keys (-r 1000)" "$(our add_sparse)" "$redis_add_sparse" 0.1
row "add, sparse key growing to 3000 bytes" "$(our add_sparse_build)" "" ""
row "count, one key, cache valid (PFCOUNT key)" "$(our count_cached)" "$redis_count_one" ""
row "count, one dense key, cache invalid" "$(our count_dense)" "" ""
row "count, union of 4 dense keys (PFCOUNT k1..k4)" "$(our count_union4)" "$redis_count_union4" 1
row "count, union of 4 keys from stored bytes" "$(our count_union4_bytes)" "$redis_count_union4" 1
row "merge, dense into dense (PFMERGE dest src)" "$(our merge_dense)" "$redis_merge" ""
