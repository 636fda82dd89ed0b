#!/usr/bin/env bash
# The README's main-job command: the receiver on the embedded SQLite store, serving the web demo at /
# and the browser bundle at /internal-events/. INTERNAL_EVENTS_* variables change any option
# (INTERNAL_EVENTS_LISTEN=0.0.0.0:8080 to be reachable from elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/build.sh >/dev/null

# The demo page imports Vue as a plain ES module, served from the site itself.
site=build/demo-site
rm -rf "$site"
mkdir -p "$site/vendor"
cp -r web-demo/. "$site/"
cp node_modules/vue/dist/vue.esm-browser.prod.js "$site/vendor/"

exec build/native/internal-events serve --definitions config --static "$site" "$@"
