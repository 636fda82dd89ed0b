# One row of bench/report.sh's table, when it asked for them: BENCH_REPORT names the file the rows
# go to (tab-separated: benchmark, figure, ours, reference, ratio, target, verdict; "-" where a
# column does not apply). Sourced by the shell benchmarks, which set $bench_name first.
report_row() {
  [ -n "${BENCH_REPORT:-}" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$bench_name" "$@" >> "$BENCH_REPORT"
}
