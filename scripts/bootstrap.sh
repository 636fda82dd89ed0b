#!/usr/bin/env bash
# Installs every Debian and npm package the project needs, and nothing when all are present.
# Idempotent and quiet on the second run: it asks dpkg and node_modules first, the network only
# for what is missing. Both quick-start commands and .ci/run start here.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(
  cmake g++ make pkg-config ninja-build
  clang-14 libclang-rt-14-dev
  emscripten node-acorn
  libboost-dev nlohmann-json3-dev doctest-dev libyaml-cpp-dev
  libsqlite3-dev sqlite3 libhiredis-dev libssl-dev libjwt-dev libjemalloc-dev
  libsimdjson-dev
  redis-server redis-tools
  chromium wrk nginx-light
  python3 curl
)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

# Node.js may come from elsewhere (NodeSource ships npm inside nodejs): ask for the commands, not packages.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian redis-server package starts a system instance; our tests start their own on free ports.
  if command -v systemctl >/dev/null && systemctl is-active -q redis-server 2>/dev/null; then
    "${sudo_cmd[@]}" systemctl stop redis-server || true
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm packages"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
