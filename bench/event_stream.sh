#!/usr/bin/env bash
# What a live event stream listener costs ingestion (#19): batched ingest (wrk, 50 events per
# request, SQLite store) with nobody on GET /-/events, beside the same with one listener that
# never reads (its socket's buffers fill, then its own bounded backlog: the worst listener there
# is) and, for information, one that reads everything (curl). Target: the stalled listener's
# events/s at least 0.9 of none's. ROUNDS rounds (5), the order alternating between rounds as the
# machine's speed drifts; the verdict uses the median ratio. DURATION=10s by default.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
threads=2
build=${BUILD_DIR:-build/native}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target internal-events >/dev/null
bin=$build/internal-events

bench_name=event_stream
# The store on tmpfs: what a listener costs is CPU, and on this disk each commit's fsync varied the
# baseline by 30-40 % within one run, more than the cost being measured. Without the disk's waits
# the CPU a listener takes shows in full, so this is the stricter measure too.
export TMPDIR=${TMPDIR:-/dev/shm}
source bench/common.sh
rounds=${ROUNDS:-5}

# Asks for the stream and never reads a byte of it; prints its pid.
stalled_listener() {
  python3 - "$1" <<'PY' &
import socket, sys, time, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
s = socket.create_connection((url.hostname, url.port))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /-/events HTTP/1.1\r\nHost: bench\r\n\r\n")
time.sleep(3600)
PY
  pids+=($!)
  listener_pid=$!
  sleep 0.3
}

reading_listener() {
  curl -sN "$1/-/events" > /dev/null &
  pids+=($!)
  listener_pid=$!
  sleep 0.3
}

stop_listener() { kill "$listener_pid" 2>/dev/null || true; wait "$listener_pid" 2>/dev/null || true; }

# Batched events/s on a fresh store, with the listener `$1` (none, stalled, reading).
measure() {
  start_receiver "sqlite:$dir/bench-$1-$round.sqlite3" --idle-timeout 3600
  case "$1" in
    stalled) stalled_listener "$receiver_url" ;;
    reading) reading_listener "$receiver_url" ;;
  esac
  local rps
  read -r rps _ < <(run_wrk -s bench/ingest/batch.lua "$receiver_url/api/v4/usage_data/track_events")
  [ "$1" = none ] || stop_listener
  stop_receiver
  echo $((rps * 50))
}

echo "internal-events receiver, sqlite store; $(nproc) cores; wrk -t$threads -c$connections -d$duration, 50 events per request; $rounds rounds"
nones=() stalleds=() readings=() stalled_ratios=() reading_ratios=()
printf '%-6s %14s %14s %14s %8s %8s\n' round "none ev/s" "stalled ev/s" "reading ev/s" stalled reading
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  if ((round % 2)); then
    none=$(measure none); stalled=$(measure stalled); reading=$(measure reading)
  else
    reading=$(measure reading); stalled=$(measure stalled); none=$(measure none)
  fi
  nones+=("$none") stalleds+=("$stalled") readings+=("$reading")
  stalled_ratios+=("$(ratio "$stalled" "$none")") reading_ratios+=("$(ratio "$reading" "$none")")
  printf '%-6s %14s %14s %14s %8s %8s\n' "$round" "$none" "$stalled" "$reading" "${stalled_ratios[-1]}" "${reading_ratios[-1]}"
done
echo
middle=$(median "${stalled_ratios[@]}")
printf '%-52s = %s  (rounds: %s; target >= 0.9: %s)\n' "batched events/s, stalled listener / none" "$middle" "${stalled_ratios[*]}" "$(verdict "$middle" 0.9)"
report_row "batched events/s, one stalled listener / none" "$(median "${stalleds[@]}")" "$(median "${nones[@]}")" "$middle" ">= 0.9" "$(verdict "$middle" 0.9)"
middle=$(median "${reading_ratios[@]}")
printf '%-52s = %s  (rounds: %s; no target)\n' "batched events/s, reading listener / none" "$middle" "${reading_ratios[*]}"
report_row "batched events/s, one reading listener / none" "$(median "${readings[@]}")" "$(median "${nones[@]}")" "$middle" - -
