#!/usr/bin/env bash
# The browser module's benchmark: size (wasm + JS, gzip -9), main-thread time per track_event and
# requests per 100 events, beside Snowplow's browser tracker measured in the same run.
# Needs the build (scripts/build.sh: build/web and the receiver) and the npm packages (scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
for file in build/web/internal-events.js build/web/internal-events.wasm node_modules/@snowplow/browser-tracker/dist/index.umd.min.js; do
  [ -f "$file" ] || { echo "bench/browser.sh: $file is missing; run scripts/bootstrap.sh and scripts/build.sh" >&2; exit 1; }
done
exec node bench/browser/run.mjs
