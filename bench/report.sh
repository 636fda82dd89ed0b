#!/usr/bin/env bash
# One performance report: runs every benchmark in turn (never two at once: they share the cores),
# keeps each one's full output in build/bench-report/NAME.log, and prints one table of every
# figure of ours, its reference from the same run, their ratio and the target, peak memory
# included. BENCHES="ingest hll" runs only those; each benchmark's own settings (ROUNDS, DURATION,
# IDS, ...) pass through. The whole set takes about 20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

benches=(${BENCHES:-ingest hll browser emitter cluster event_ids event_stream})
out=${REPORT_DIR:-build/bench-report}
mkdir -p "$out"
rows="$out/rows.tsv"
: > "$rows"

failed=()
for name in "${benches[@]}"; do
  [ -x "bench/$name.sh" ] || { echo "bench/report.sh: no benchmark bench/$name.sh" >&2; exit 2; }
  started=$(date +%s)
  echo "bench/report.sh: $name ..." >&2
  if BENCH_REPORT="$PWD/$rows" "bench/$name.sh" > "$out/$name.log" 2>&1; then
    echo "bench/report.sh: $name done in $(( $(date +%s) - started )) s ($out/$name.log)" >&2
  else
    echo "bench/report.sh: $name FAILED after $(( $(date +%s) - started )) s; its output: $out/$name.log" >&2
    failed+=("$name")
  fi
done

echo "internal-events performance report, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
awk -F'\t' '
  BEGIN { printf "%-10s %-54s %14s %14s %8s %-22s %s\n", "benchmark", "figure", "ours", "reference", "ratio", "target", "verdict" }
  { printf "%-10s %-54s %14s %14s %8s %-22s %s\n", $1, $2, $3, $4, $5, $6, $7 }
  $7 == "NOT met" { missed++ }
  END { printf "\n%d figures, %d targets not met\n", NR, missed }
' "$rows"
if ((${#failed[@]})); then
  echo "benchmarks that failed: ${failed[*]} (see their logs in $out)"
  exit 1
fi
