#!/usr/bin/env bash
# The README's test command: installs what is missing, builds both targets, runs every test.
# Tests start their own servers (redis-server, the receiver, Chromium) on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/build.sh

echo "test: doctest suites (ctest)"
ctest --test-dir build/native --output-on-failure

echo "test: fuzzers (${FUZZ_SECONDS:-15} s each)"
scripts/fuzz.sh

echo "test: node suites (wasm core, browser glue, command line, HTTP receiver, headless Chromium end to end)"
node --test tests/js/ tests/http/ tests/e2e/
