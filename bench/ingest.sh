#!/usr/bin/env bash
# The ingestion benchmark: wrk on loopback against the receiver (single events, and batches of 50),
# beside two ceilings measured in the same run on the same machine: nginx answering 204 (what HTTP
# itself costs here) and redis-benchmark -P 50 PFADD (what a counter write costs in Redis). Prints
# requests/s, events/s, p50/p99 and the ratios against the targets, and the receiver's peak memory.
# Needs wrk, nginx, redis-server (scripts/bootstrap.sh installs them). DURATION=10s by default.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
threads=2
build=${BUILD_DIR:-build/native}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target internal-events >/dev/null
bin=$build/internal-events

dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "bench/ingest.sh: nothing answers on port $1" >&2
  exit 1
}

start_nginx() {
  nginx_port=$(free_port)
  mkdir -p "$dir/nginx"
  cat > "$dir/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx;
  server { listen 127.0.0.1:$nginx_port; location / { return 204; } }
}
CONF
  nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" &
  pids+=($!)
  wait_for_port "$nginx_port"
}

start_redis() {
  redis_port=$(free_port)
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
  pids+=($!)
  wait_for_port "$redis_port"
}

# Starts the receiver on a store; sets receiver_pid and receiver_url.
start_receiver() {
  "$bin" serve --listen 127.0.0.1:0 --store "$1" --definitions config --rate-limit 0 > "$dir/receiver.log" 2>&1 &
  receiver_pid=$!
  pids+=("$receiver_pid")
  for _ in $(seq 1 100); do
    receiver_url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$dir/receiver.log")
    [ -n "$receiver_url" ] && return 0
    sleep 0.05
  done
  echo "bench/ingest.sh: the receiver did not start:" >&2
  cat "$dir/receiver.log" >&2
  exit 1
}

stop_receiver() {
  peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$receiver_pid/status")
  kill "$receiver_pid"
  wait "$receiver_pid" 2>/dev/null || true
}

# wrk's figures as "requests/s p50_ms p99_ms non2xx".
run_wrk() {
  local output
  output=$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@")
  echo "$output" >> "$dir/wrk.log"
  echo "$output" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $5 }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad + 0 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "met" : "NOT met") }'; }

start_nginx
start_redis
echo "internal-events receiver, nginx $(nginx -v 2>&1 | sed 's/.*\///'), redis $(redis-server --version | sed 's/.* v=\([^ ]*\) .*/\1/'); $(nproc) cores; wrk -t$threads -c$connections -d$duration; same run"
echo

read -r nginx_rps nginx_p50 nginx_p99 _ < <(run_wrk "http://127.0.0.1:$nginx_port/")
redis_pfadd=$(redis-benchmark -p "$redis_port" -n 2000000 -P 50 -r 1000000 --csv PFADD bench:hll __rand_int__ 2>/dev/null | awk -F'"' 'NR == 2 { printf "%.0f", $4 }')

start_receiver "sqlite:$dir/bench.sqlite3"
read -r single_rps single_p50 single_p99 single_bad < <(run_wrk -s bench/ingest/single.lua "$receiver_url/api/v4/usage_data/track_event")
read -r batch_rps batch_p50 batch_p99 batch_bad < <(run_wrk -s bench/ingest/batch.lua "$receiver_url/api/v4/usage_data/track_events")
stop_receiver
sqlite_peak_kb=$peak_kb

start_receiver "redis://127.0.0.1:$redis_port"
read -r redis_rps redis_p50 redis_p99 redis_bad < <(run_wrk -s bench/ingest/batch.lua "$receiver_url/api/v4/usage_data/track_events")
stop_receiver
redis_peak_kb=$peak_kb

# Each event of the benchmark writes 3 counters (all-time total, weekly total, weekly HLL): 5 Redis
# commands with their EXPIREs. Redis's own rate for those is its pipelined PFADD rate.
commands_per_event=5
batch_events=$((batch_rps * 50))
redis_store_events=$((redis_rps * 50))

printf '%-44s %12s %12s %9s %9s %8s\n' "run" "requests/s" "events/s" "p50 ms" "p99 ms" "non-2xx"
printf '%-44s %12s %12s %9s %9s %8s\n' "nginx, return 204 (HTTP ceiling)" "$nginx_rps" "-" "$nginx_p50" "$nginx_p99" "-"
printf '%-44s %12s %12s %9s %9s %8s\n' "redis-benchmark -P 50 PFADD (counter ceiling)" "-" "$redis_pfadd" "-" "-" "-"
printf '%-44s %12s %12s %9s %9s %8s\n' "receiver, sqlite, 1 event per request" "$single_rps" "$single_rps" "$single_p50" "$single_p99" "$single_bad"
printf '%-44s %12s %12s %9s %9s %8s\n' "receiver, sqlite, 50 events per request" "$batch_rps" "$batch_events" "$batch_p50" "$batch_p99" "$batch_bad"
printf '%-44s %12s %12s %9s %9s %8s\n' "receiver, redis, 50 events per request" "$redis_rps" "$redis_store_events" "$redis_p50" "$redis_p99" "$redis_bad"
echo
single_ratio=$(ratio "$single_rps" "$nginx_rps")
batch_ratio=$(ratio "$batch_events" "$redis_pfadd")
redis_ratio=$(ratio "$((redis_store_events * commands_per_event))" "$redis_pfadd")
echo "single-event requests/s / nginx requests/s          = $single_ratio  (target >= 0.5: $(verdict "$single_ratio" 0.5))"
echo "batched events/s (sqlite) / Redis PFADD ops/s       = $batch_ratio  (target >= 0.5: $(verdict "$batch_ratio" 0.5))"
echo "Redis commands/s via receiver / Redis PFADD ops/s   = $redis_ratio  (target >= 0.8: $(verdict "$redis_ratio" 0.8); $commands_per_event commands per event)"
echo "receiver peak memory (VmHWM): sqlite $((sqlite_peak_kb / 1024)) MiB, redis $((redis_peak_kb / 1024)) MiB"
