#!/usr/bin/env bash
# The SQLite store's event-id memory: bytes per remembered id at steady state (a sliding window
# of IDS live ids, the purge every simulated minute), beside a plain vector of the same ids'
# 16-byte fingerprints measured in the same run; and the start-up rebuild of the set from a store
# whose log holds IDS ids, beside reading those rows alone. IDS=10000000 by default.
# Targets: at most 24 bytes per id; the rebuild of 10 million ids within 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build/native}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_event_ids >/dev/null

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/bench/bench_event_ids" "${IDS:-10000000}" "$dir"
