#!/usr/bin/env bash
# Builds both targets: native (build/native: core, receiver, command, tests, benchmarks) and
# WebAssembly (build/wasm, with the browser bundle in build/web). Incremental after the first run.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
echo "build: native (build/native)"
[ -f build/native/build.ninja ] || cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j "$jobs"

echo "build: wasm (build/wasm → build/web)"
# emcc runs node with acorn at link time; Debian keeps acorn under /usr/share/nodejs.
export NODE_PATH=/usr/share/nodejs
[ -f build/wasm/build.ninja ] || emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build build/wasm -j "$jobs"
