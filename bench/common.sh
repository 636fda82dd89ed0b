# What the benchmarks share: a scratch folder cleaned up on exit, free loopback ports, nginx as
# the HTTP reference (it answers 204 to everything, so it is also a collector that accepts every
# batch), the receiver started and stopped with its peak memory, wrk's figures, and the arithmetic
# of ratios and medians. Sourced by bench/*.sh after they set $bin, $duration, $threads and
# $connections.
source bench/report_row.sh

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
  echo "bench: nothing answers on port $1" >&2
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

# Starts the receiver on a store (and further serve options); sets receiver_pid and receiver_url.
start_receiver() {
  "$bin" serve --listen 127.0.0.1:0 --store "$@" --definitions config --rate-limit 0 > "$dir/receiver.log" 2>&1 &
  receiver_pid=$!
  pids+=("$receiver_pid")
  for _ in $(seq 1 100); do
    receiver_url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$dir/receiver.log")
    [ -n "$receiver_url" ] && return 0
    sleep 0.05
  done
  echo "bench: the receiver did not start:" >&2
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

seconds() { awk -v d="$1" 'BEGIN { n = d + 0; if (d ~ /m$/) n *= 60; if (d ~ /h$/) n *= 3600; print n }'; }

# How many of something measured at RATE per second make a run as long as wrk's: the references
# are sized from a short first run to last DURATION.
lasting_duration() { awk -v rate="$1" -v d="$(seconds "$duration")" 'BEGIN { printf "%d", rate * d }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "met" : "NOT met") }'; }

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

