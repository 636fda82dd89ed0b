#!/usr/bin/env bash
# The scale-out benchmark: batched events (50 per request, three event names in turn, so a batch
# touches three slots) through one receiver on a single Redis and on a 3-master Redis Cluster, both
# on this machine, in the same run. For each: events/s, Redis CPU time per event (INFO's
# used_cpu_user + used_cpu_sys, summed over the masters) and the receiver's CPU time per event
# (/proc/PID/stat). Then the key spread of 1000 distinct event names over the masters, and the
# capacity model the figures imply. DURATION=10s, ROUNDS=5 by default; the verdicts use the median
# of the rounds' ratios, each round measuring the cluster right after its single-Redis reference.
#
# On this machine the three masters, the receiver and wrk share two cores, so the cluster cannot
# be faster here; what the run shows is what routing costs (events/s and Redis CPU per event
# against one Redis), and the model says what more machines buy.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
threads=2
build=${BUILD_DIR:-build/native}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target internal-events >/dev/null
bin=$build/internal-events

bench_name=cluster
source bench/common.sh
rounds=${ROUNDS:-5}
export BENCH_EVENTS=${BENCH_EVENTS:-"i_code_review_user_apply_suggestion pull_package i_analytics_dev_ops_adoption"}

start_cluster() {
  cluster_ports=()
  for node in 1 2 3; do
    local port; port=$(free_port)
    local bus; bus=$(free_port)
    mkdir -p "$dir/cluster-$node"
    redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes --cluster-port "$bus" \
      --cluster-config-file "$dir/cluster-$node/nodes.conf" --save '' --appendonly no --dir "$dir/cluster-$node" \
      --logfile "$dir/cluster-$node/redis.log" &
    pids+=($!)
    wait_for_port "$port"
    cluster_ports+=("$port")
  done
  redis-cli --cluster create "${cluster_ports[@]/#/127.0.0.1:}" --cluster-yes > "$dir/cluster-create.log"
  for _ in $(seq 1 200); do
    local ok=0
    for port in "${cluster_ports[@]}"; do
      redis-cli -p "$port" CLUSTER INFO | grep -q '^cluster_state:ok' && ok=$((ok + 1))
    done
    [ "$ok" = 3 ] && break
    sleep 0.1
  done
  cluster_url="redis-cluster://$(printf '127.0.0.1:%s,' "${cluster_ports[@]}" | sed 's/,$//')"
}

# CPU seconds Redis has used on these ports, summed.
redis_cpu() {
  for port in "$@"; do redis-cli -p "$port" INFO cpu; done |
    awk -F: '/^used_cpu_(user|sys):/ { total += $2 } END { printf "%.3f", total }'
}
# Microseconds Redis spent running the apply scripts (INFO commandstats of EVALSHA and EVAL, which
# include the commands they call), summed: the work itself, without the event loop, the sockets
# and the cluster bus.
redis_command_us() {
  for port in "$@"; do redis-cli -p "$port" INFO commandstats; done |
    awk -F'usec=' '/^cmdstat_eval(sha)?:/ { split($2, v, ","); total += v[1] } END { printf "%.0f", total }'
}
reset_stats() { for port in "$@"; do redis-cli -p "$port" CONFIG RESETSTAT > /dev/null; done; }
receiver_cpu() { awk -v tick="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / tick }' "/proc/$receiver_pid/stat"; }
per_event_us() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", e ? s * 1e6 / e : 0 }'; }
flush_all() { for port in "$@"; do redis-cli -p "$port" FLUSHALL > /dev/null; done; }

# One receiver run on a store: sets events_per_s, redis_us (per event) and receiver_us (per event).
measure() {
  local store=$1; shift
  start_receiver "$store"
  local redis_before receiver_before rps bad
  reset_stats "$@"
  redis_before=$(redis_cpu "$@")
  receiver_before=$(receiver_cpu)
  read -r rps _ _ bad < <(run_wrk -s bench/ingest/batch.lua "$receiver_url/api/v4/usage_data/track_events")
  local events=$(( rps * 50 * $(seconds "$duration") ))
  redis_us=$(per_event_us "$(awk -v a="$(redis_cpu "$@")" -v b="$redis_before" 'BEGIN { print a - b }')" "$events")
  receiver_us=$(per_event_us "$(awk -v a="$(receiver_cpu)" -v b="$receiver_before" 'BEGIN { print a - b }')" "$events")
  command_us=$(awk -v us="$(redis_command_us "$@")" -v e="$events" 'BEGIN { printf "%.2f", e ? us / e : 0 }')
  events_per_s=$((rps * 50))
  non_2xx=$bad
  stop_receiver
  flush_all "$@"
}

# 1000 event names, each with an all-time total, one event of each: keys per master.
key_spread() {
  local defs=$dir/spread-definitions
  mkdir -p "$defs/events" "$defs/metrics/counts_all"
  for n in $(seq -w 0 999); do
    printf -- '---\ndescription: spread %s\ninternal_events: true\nstatus: active\naction: spread_event_%s\nidentifiers:\n  - user\nproduct_group: bench\nmilestone: "17.0"\ntiers:\n  - free\n' "$n" "$n" > "$defs/events/spread_event_$n.yml"
    printf -- '---\nkey_path: counts.count_total_spread_event_%s\ndescription: spread\nproduct_group: bench\nvalue_type: number\nstatus: active\ntime_frame: all\ndata_source: internal_events\nevents:\n  - name: spread_event_%s\n' "$n" "$n" > "$defs/metrics/counts_all/count_total_spread_event_$n.yml"
  done
  "$bin" serve --listen 127.0.0.1:0 --store "$cluster_url" --definitions "$defs" --rate-limit 0 > "$dir/spread.log" 2>&1 &
  receiver_pid=$!
  pids+=("$receiver_pid")
  for _ in $(seq 1 100); do
    receiver_url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$dir/spread.log")
    [ -n "$receiver_url" ] && break
    sleep 0.05
  done
  python3 - "$receiver_url" <<'PY'
import json, sys, urllib.request
events = [{"event": f"spread_event_{n:03d}", "user_id": n} for n in range(1000)]
request = urllib.request.Request(sys.argv[1] + "/api/v4/usage_data/track_events", json.dumps({"events": events}).encode(),
                                 {"Content-Type": "application/json"})
answer = json.load(urllib.request.urlopen(request))
assert answer["accepted"] == 1000, answer
PY
  stop_receiver
  key_counts=()
  for port in "${cluster_ports[@]}"; do key_counts+=("$(redis-cli -p "$port" DBSIZE)"); done
}

start_redis
start_cluster
echo "internal-events receiver; redis $(redis-server --version | sed 's/.* v=\([^ ]*\) .*/\1/') single and 3-master cluster; $(nproc) cores; wrk -t$threads -c$connections -d$duration; $rounds rounds"
echo

rows=() rate_ratios=() cpu_ratios=()
single_rates=() cluster_rates=() single_cpus=() cluster_cpus=()
row() { rows+=("$(printf '%-6s %-28s %12s %18s %22s %21s %8s' "$@")"); }
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds..." >&2
  measure "redis://127.0.0.1:$redis_port" "$redis_port"
  single_rate=$events_per_s single_redis_us=$redis_us single_receiver_us=$receiver_us
  row "$round" "single Redis" "$single_rate" "$single_redis_us" "$command_us" "$single_receiver_us" "$non_2xx"
  measure "$cluster_url" "${cluster_ports[@]}"
  cluster_rate=$events_per_s cluster_redis_us=$redis_us cluster_receiver_us=$receiver_us
  row "$round" "Redis Cluster, 3 masters" "$cluster_rate" "$cluster_redis_us" "$command_us" "$cluster_receiver_us" "$non_2xx"
  single_rates+=("$single_rate") cluster_rates+=("$cluster_rate") single_cpus+=("$single_redis_us") cluster_cpus+=("$cluster_redis_us")
  rate_ratios+=("$(ratio "$cluster_rate" "$single_rate")")
  cpu_ratios+=("$(ratio "$cluster_redis_us" "$single_redis_us")")
done

printf '%-6s %-28s %12s %18s %22s %21s %8s\n' "round" "store" "events/s" "Redis CPU us/event" "in scripts us/event" "receiver CPU us/event" "non-2xx"
printf '%s\n' "${rows[@]}"
echo

key_spread
mean=$(( (key_counts[0] + key_counts[1] + key_counts[2]) / 3 ))
spread=$(printf '%s\n' "${key_counts[@]}" | awk -v m="$mean" '{ d = ($1 - m) / m; if (d < 0) d = -d; if (d > worst) worst = d } END { printf "%.2f", worst }')

rate=$(median "${rate_ratios[@]}")
cpu=$(median "${cpu_ratios[@]}")
printf '%-58s = %s  (rounds: %s; target >= 0.8: %s)\n' "cluster events/s / single Redis events/s" "$rate" "${rate_ratios[*]}" "$(verdict "$rate" 0.8)"
printf '%-58s = %s  (rounds: %s; target <= 1.1: %s)\n' "cluster Redis CPU per event / single Redis CPU per event" "$cpu" "${cpu_ratios[*]}" \
  "$(awk -v r="$cpu" 'BEGIN { print (r <= 1.1 ? "met" : "NOT met") }')"
printf '%-58s = %s  (keys per master: %s; target <= 0.20: %s)\n' "1000 event names: worst master's distance from the mean" "$spread" \
  "${key_counts[*]}" "$(awk -v r="$spread" 'BEGIN { print (r <= 0.2 ? "met" : "NOT met") }')"
at_most() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "met" : "NOT met") }'; }
report_row "cluster events/s / single Redis events/s" "$(median "${cluster_rates[@]}")" "$(median "${single_rates[@]}")" "$rate" ">= 0.8" "$(verdict "$rate" 0.8)"
report_row "Redis CPU us/event, cluster / single" "$(median "${cluster_cpus[@]}")" "$(median "${single_cpus[@]}")" "$cpu" "<= 1.1" "$(at_most "$cpu" 1.1)"
report_row "keys per master, worst distance from the mean" "${key_counts[*]}" "$mean" "$spread" "<= 0.20" "$(at_most "$spread" 0.2)"
echo

# The capacity model: an event costs c_r CPU in a receiver and c_m in the one master that holds its
# event's slot. A master is one core; a receiver uses the cores it is given. With the event names
# spread evenly, M masters take M / c_m events/s, R receivers of K cores R * K / c_r; the smaller
# of the two is the capacity.
c_m=$cluster_redis_us
c_r=$cluster_receiver_us
echo "capacity model (from the last round: c_m = $c_m us of master CPU, c_r = $c_r us of receiver CPU per event; K = 2 cores per receiver):"
printf '  %-10s' "masters"; for receivers in 1 2 4 8 16; do printf '%14s' "R=$receivers"; done; echo
for masters in 3 6 12 24; do
  printf '  %-10s' "M=$masters"
  for receivers in 1 2 4 8 16; do
    awk -v m="$masters" -v r="$receivers" -v cm="$c_m" -v cr="$c_r" \
      'BEGIN { a = m * 1e6 / cm; b = r * 2 * 1e6 / cr; printf "%14s", sprintf("%.0f%s", (a < b ? a : b) / 1000, (a < b ? "k M" : "k R")) }'
  done
  echo
done
echo "  (events/s in thousands; M: the masters limit it, R: the receivers do. Add receivers until M shows, then masters.)"
