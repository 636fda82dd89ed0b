#!/usr/bin/env bash
# Seeds the web demo's store with six weeks of history, so its weekly chart is not empty on a first
# run: seeded users (ids 101 and up, never the demo's users 1-5) track each event on the Sunday of
# each past week, through `internal-events track --date`, as the backend API would have then.
# Sundays, because weekly keys expire six weeks after their last write (GitLab's TTL): the Sunday six
# weeks back is still counted all through the current week. The current week is left empty for the
# visitor's clicks. usage: scripts/seed_demo.sh BINARY STORE_URL
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1 store=$2

# Users per week, oldest (six weeks ago) first: a rising trend, different for each event.
declare -A users_per_week=(
  [i_analytics_dev_ops_adoption]="2 3 3 4 5 6"
  [i_code_review_user_apply_suggestion]="1 2 4 3 5 4"
  [pull_package]="3 2 4 5 4 6"
)
declare -A properties=(
  [i_analytics_dev_ops_adoption]="--property label=overview --property value=1.5"
  [i_code_review_user_apply_suggestion]="--property label=diff"
  [pull_package]="--property label=npm --property property=guest"
)

monday=$(date -u -d "today - $(($(date -u +%u) - 1)) days" +%F)
for event in i_analytics_dev_ops_adoption i_code_review_user_apply_suggestion pull_package; do
  weeks_ago=6
  for count in ${users_per_week[$event]}; do
    sunday=$(date -u -d "$monday - $((7 * weeks_ago - 6)) days" +%F)
    for ((user = 101; user < 101 + count; user++)); do
      # shellcheck disable=SC2086  # the properties are several words on purpose
      "$binary" track "$event" --user "$user" --project 7 --namespace 3 ${properties[$event]} \
        --store "$store" --definitions config --date "$sunday" >/dev/null
    done
    weeks_ago=$((weeks_ago - 1))
  done
done
echo "seed: six weeks of demo history in $store"
