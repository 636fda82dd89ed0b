#!/usr/bin/env bash
# The Snowplow emitter's benchmark, on the embedded store (SQLite), with nginx as the collector
# (it answers 204 to every batch: the emitter's own cost, not a collector's, is measured):
#   - batched ingest (wrk, 50 events a request) without forwarding: the reference;
#   - the same with forwarding on, the emitter draining to nginx meanwhile;
#   - the emitter's drain rate: the outbox filled with OUTBOX_EVENTS (1 000 000) copies while the
#     collector was down, then a receiver started with the collector up, timed until it is empty;
#     its peak memory (VmHWM) with that full outbox.
# Targets: drain rate / ingest rate >= 1 (the outbox cannot grow under sustained full load), and
# ingest with forwarding / without >= 0.8. ROUNDS rounds (3), medians decide; DURATION=10s.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
threads=2
outbox_events=${OUTBOX_EVENTS:-1000000}
rounds=${ROUNDS:-3}
build=${BUILD_DIR:-build/native}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target internal-events >/dev/null
bin=$build/internal-events

bench_name=emitter
source bench/common.sh

batch() { run_wrk -s bench/ingest/batch.lua "$receiver_url/api/v4/usage_data/track_events"; }
metric() { curl -s "$receiver_url/-/metrics" | awk -v name="$1" '$1 == name { printf "%d", $2 }'; }
now_ms() { date +%s%3N; }

# Fills the outbox of $1 with at least $outbox_events copies while the collector refuses every
# connection; the receiver is stopped cleanly after (its lease released).
fill_outbox() {
  start_receiver "$1" --collector "http://127.0.0.1:$(free_port)"
  local saved=$duration
  duration=5s
  while (( $(metric internal_events_outbox_depth) < outbox_events )); do batch > /dev/null; done
  duration=$saved
  fill_peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$receiver_pid/status")
  filled=$(metric internal_events_outbox_depth)
  stop_receiver
}

# Starts a receiver on the full outbox with nginx as the collector and waits until it is empty.
drain_outbox() {
  local started; started=$(now_ms)
  start_receiver "$1" --collector "http://127.0.0.1:$nginx_port"
  while (( $(metric internal_events_outbox_depth) > 0 )); do sleep 0.05; done
  drain_ms=$(( $(now_ms) - started ))
  stop_receiver
  drain_peak_kb=$peak_kb
}

start_nginx
echo "internal-events emitter to nginx $(nginx -v 2>&1 | sed 's/.*\///') (204 to every batch); $(nproc) cores; wrk -t$threads -c$connections -d$duration; outbox of $outbox_events; $rounds rounds"
echo

rows=() drain_ratios=() cost_ratios=()
drains=() offs=() ons=() peak_mib=0
row() { rows+=("$(printf '%-6s %-50s %12s %9s %9s %10s' "$@")"); }
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  start_receiver "sqlite:$dir/off-$round.sqlite3"
  read -r off_rps off_p50 off_p99 _ < <(batch)
  stop_receiver
  off_peak_kb=$peak_kb
  start_receiver "sqlite:$dir/on-$round.sqlite3" --collector "http://127.0.0.1:$nginx_port"
  read -r on_rps on_p50 on_p99 _ < <(batch)
  stop_receiver
  on_peak_kb=$peak_kb

  fill_outbox "sqlite:$dir/full-$round.sqlite3"
  drain_outbox "sqlite:$dir/full-$round.sqlite3"
  drain_rate=$(awk -v n="$filled" -v ms="$drain_ms" 'BEGIN { printf "%.0f", n * 1000 / ms }')
  rm -f "$dir"/*-"$round".sqlite3*

  row "$round" "receiver, 50 events per request, forwarding off" "$((off_rps * 50))" "$off_p50" "$off_p99" "$((off_peak_kb / 1024))"
  row "$round" "receiver, 50 events per request, forwarding on" "$((on_rps * 50))" "$on_p50" "$on_p99" "$((on_peak_kb / 1024))"
  row "$round" "emitter, $filled queued copies drained to nginx" "$drain_rate" "-" "-" "$((drain_peak_kb / 1024))"
  row "$round" "receiver while the outbox filled (collector down)" "-" "-" "-" "$((fill_peak_kb / 1024))"
  drains+=("$drain_rate") offs+=("$((off_rps * 50))") ons+=("$((on_rps * 50))")
  for kb in "$off_peak_kb" "$on_peak_kb" "$drain_peak_kb" "$fill_peak_kb"; do peak_mib=$((kb / 1024 > peak_mib ? kb / 1024 : peak_mib)); done
  drain_ratios+=("$(ratio "$drain_rate" "$((off_rps * 50))")")
  cost_ratios+=("$(ratio "$on_rps" "$off_rps")")
done

printf '%-6s %-50s %12s %9s %9s %10s\n' "round" "run" "events/s" "p50 ms" "p99 ms" "peak MiB"
printf '%s\n' "${rows[@]}"
echo
report() {
  local name=$1 target=$2 ours=$3 reference=$4; shift 4
  local middle; middle=$(median "$@")
  printf '%-52s = %s  (rounds: %s; target >= %s: %s)\n' "$name" "$middle" "$*" "$target" "$(verdict "$middle" "$target")"
  report_row "$name" "$ours" "$reference" "$middle" ">= $target" "$(verdict "$middle" "$target")"
}
report "emitter drain events/s / batched ingest events/s" 1 "$(median "${drains[@]}")" "$(median "${offs[@]}")" "${drain_ratios[@]}"
report "batched ingest, forwarding on / off" 0.8 "$(median "${ons[@]}")" "$(median "${offs[@]}")" "${cost_ratios[@]}"
report_row "receiver peak memory, any run (MiB)" "$peak_mib" - - - -
