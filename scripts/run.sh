#!/usr/bin/env bash
# The README's main-job command: the receiver on the embedded SQLite store. INTERNAL_EVENTS_*
# variables change any option (INTERNAL_EVENTS_LISTEN=0.0.0.0:8080 to be reachable from elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/build.sh >/dev/null
exec build/native/internal-events serve --definitions config "$@"
