#!/usr/bin/env bash
# The README's main-job command. Today: builds, checks the example definitions and shows the keys
# one event writes. It grows into starting the receiver with the web demo.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/build.sh >/dev/null
bin=build/native/internal-events
"$bin" definitions check config
echo "keys written by tracking i_code_review_user_apply_suggestion today:"
"$bin" keys i_code_review_user_apply_suggestion --definitions config
