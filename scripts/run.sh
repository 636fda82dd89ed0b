#!/usr/bin/env bash
# The README's main-job command: the receiver on the embedded SQLite store, serving the showcase
# demo at / and the browser bundle at /internal-events/. INTERNAL_EVENTS_* variables change any
# option (INTERNAL_EVENTS_LISTEN=0.0.0.0:8080 to be reachable from elsewhere); extra arguments go to
# `internal-events serve`.
#
# The demo runs as production would, with an identity secret (made once, data/demo-identity-secret,
# or INTERNAL_EVENTS_IDENTITY_SECRET_FILE): user ids come only from signed tokens. Its user switcher
# gets them from `serve --demo-tokens`, which signs a token for users 1-5 for anyone who asks:
# demo only. A new SQLite store (data/internal-events.sqlite3 or INTERNAL_EVENTS_STORE) is first
# seeded with six weeks of history (scripts/seed_demo.sh); delete it to start over.
#
# For the tests: INTERNAL_EVENTS_BINARY runs that build of the command and skips bootstrap and build
# (they have built it); INTERNAL_EVENTS_DEMO_SITE is the folder the site is assembled in, replaced
# on each run (default build/demo-site).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${INTERNAL_EVENTS_BINARY:-}" ]; then
  binary=$INTERNAL_EVENTS_BINARY
else
  scripts/bootstrap.sh
  scripts/build.sh >/dev/null
  binary=build/native/internal-events
fi

# The page imports Vue as a plain ES module, served from the site itself: nothing from outside.
site=${INTERNAL_EVENTS_DEMO_SITE:-build/demo-site}
rm -rf "$site"
mkdir -p "$site/vendor"
cp -r web-demo/. "$site/"
cp node_modules/vue/dist/vue.esm-browser.prod.js "$site/vendor/"

secret=${INTERNAL_EVENTS_IDENTITY_SECRET_FILE:-data/demo-identity-secret}
if [ ! -s "$secret" ]; then
  mkdir -p "$(dirname "$secret")"
  (umask 077 && head -c 32 /dev/urandom | base64 >"$secret")
fi

store=${INTERNAL_EVENTS_STORE:-sqlite:data/internal-events.sqlite3}
if [[ $store == sqlite:* && ! -e ${store#sqlite:} ]]; then
  mkdir -p "$(dirname "${store#sqlite:}")"
  scripts/seed_demo.sh "$binary" "$store"
fi

exec "$binary" serve --definitions config --store "$store" --static "$site" \
  --identity-secret-file "$secret" --demo-tokens "$@"
