#!/usr/bin/env bash
# The fuzzers (fuzz/): builds build/fuzz with clang-14 (libFuzzer, AddressSanitizer,
# UndefinedBehaviorSanitizer) incrementally, then runs each target for FUZZ_SECONDS on a copy of
# its seed corpus (fuzz/corpus/<target>/). A crash, sanitizer report, leak, timeout or broken
# property is written to build/fuzz/findings/ and makes the script exit 1, naming the target and
# the file. Longer runs: FUZZ_SECONDS=600 scripts/fuzz.sh [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-15}  # 9 targets: with a build from scratch, within 5 minutes on 2 cores
build=build/fuzz

# target:max_len, the largest input worth trying for each (a dense HLL string is 12304 bytes).
targets=(
  json_reader:4096 event_body:4096 snowplow_tp2:4096 snowplow_query:2048 data_attributes:512
  yaml_definitions:2048 hll:16384 jwt:1024 http_head:8192
)
if (($#)); then
  wanted=" $* "
  selected=()
  for entry in "${targets[@]}"; do [[ $wanted == *" ${entry%%:*} "* ]] && selected+=("$entry"); done
  ((${#selected[@]})) || { echo "fuzz: no target named $*; targets: ${targets[*]%%:*}" >&2; exit 2; }
  targets=("${selected[@]}")
fi

if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S fuzz -B "$build" -G Ninja >/dev/null
fi
cmake --build "$build" -j2 >/dev/null || { echo "fuzz: the build of $build failed; run cmake --build $build to see why" >&2; exit 1; }

mkdir -p "$build/findings"
failed=()
for entry in "${targets[@]}"; do
  target=${entry%%:*}
  max_len=${entry##*:}
  work="$build/work/$target"
  log="$build/work/$target.log"
  rm -rf "$work" && mkdir -p "$work" && cp fuzz/corpus/"$target"/* "$work"/
  status=0
  "$build/${target}_fuzzer" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$target-" "$work" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  coverage=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  if ((status == 0)); then
    echo "fuzz: $target: ${runs:-?} runs, ${coverage:-cov: ?}, no finding"
  else
    finding=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    echo "fuzz: $target: FINDING after ${runs:-?} runs: ${finding:-no input written, see $log} (log: $log)"
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}: reproduce with $build/<target>_fuzzer <file>" >&2
  exit 1
fi
