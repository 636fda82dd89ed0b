#!/bin/sh
# Builds the README's backend example as an outside project and checks that it counts, and a test
# of its tracking on the installed recorder (native/testing/recording_tracker.hpp).
#   run.sh installed    SOURCE_DIR WORK_DIR BUILD_DIR   installs BUILD_DIR (already built) into
#                                                       WORK_DIR/prefix, then find_package from there
#   run.sh subdirectory SOURCE_DIR WORK_DIR             add_subdirectory(SOURCE_DIR), built anew
# CXX chooses the compiler; WORK_DIR is emptied first.
set -eu

fail() { echo "consumer: $*" >&2; exit 1; }

mode=${1:-}
source_dir=${2:-}
work=${3:-}
case "$mode" in
  installed) [ $# -eq 4 ] || fail "usage: run.sh installed SOURCE_DIR WORK_DIR BUILD_DIR" ;;
  subdirectory) [ $# -eq 3 ] || fail "usage: run.sh subdirectory SOURCE_DIR WORK_DIR" ;;
  *) fail "unknown mode '$mode' (installed or subdirectory)" ;;
esac
[ -f "$source_dir/native/examples/backend_example.cpp" ] || fail "$source_dir is not the Internal Events source tree"

rm -rf "$work"
mkdir -p "$work/project"
cp "$source_dir/tests/consumer/CMakeLists.txt" "$source_dir/tests/consumer/recording_example.cpp" \
   "$source_dir/native/examples/backend_example.cpp" "$work/project/"
jobs=$(nproc)

if [ "$mode" = installed ]; then
  build_dir=$4
  prefix="$work/prefix"
  cmake --install "$build_dir" --prefix "$prefix" >/dev/null
  [ -x "$prefix/bin/internal-events" ] || fail "the install has no bin/internal-events"
  "$prefix/bin/internal-events" --version
  # An installed package that points back into the source or build tree works only on this machine.
  if grep -rlF -e "$source_dir" -e "$build_dir" "$prefix/lib" "$prefix/include" >&2; then
    fail "the installed files above name the source or build folder"
  fi
  cmake -S "$work/project" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_PREFIX_PATH="$prefix"
  cmake --build "$work/build" -j "$jobs" || fail "the example did not build against the installed package"

  # The same example through pkg-config, against the same prefix.
  PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --exists internal-events || fail "pkg-config finds no internal-events"
  # eval: as in a Makefile's command, the flags go through the shell (INTERNAL_EVENTS_VERSION's quotes).
  pc_flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs internal-events)
  eval "\"\${CXX:-c++}\" -o \"\$work/backend_example_pc\" \"\$work/project/backend_example.cpp\" $pc_flags" \
      || fail "the example did not build with pkg-config's flags"
else
  cmake -S "$work/project" -B "$work/build" -G Ninja -DINTERNAL_EVENTS_FROM="$source_dir"
  cmake --build "$work/build" -j "$jobs" || fail "the example did not build through add_subdirectory"
  # A consumer builds our libraries and nothing else of ours.
  for ours in internal-events core_tests native_tests bench_hll; do
    if [ -n "$(find "$work/build" -name "$ours" -type f)" ]; then fail "add_subdirectory built our $ours"; fi
  done
fi

run_example() {
  rm -f "$work/example.sqlite3"
  output=$(cd "$source_dir" && "$1" config "sqlite:$work/example.sqlite3") || fail "$1 failed"
  echo "$output"
  [ "$output" = "unique users this week: 2" ] || fail "$1 printed '$output', not 'unique users this week: 2'"
}
run_example "$work/build/backend_example"
if [ "$mode" = installed ]; then run_example "$work/backend_example_pc"; fi
recorded=$(cd "$source_dir" && "$work/build/recording_example" config) || fail "recording_example failed: $recorded"
echo "$recorded"
[ "$recorded" = "$(printf '1 event tracked:\n  pull_package user=1 project=7 label="npm"')" ] \
  || fail "recording_example printed '$recorded'"
echo "consumer ($mode): ok"
