#!/usr/bin/env bash
# README command 2: set up, build in Release (warnings are errors), run every test.
# Usage: scripts/test.sh [ctest args...]   e.g. scripts/test.sh -L unit
# Environment: SPIKEQ_SANITIZE=1 builds and tests with ASan+UBSan in build/sanitize;
# SPIKEQ_SANITIZE=thread with ThreadSanitizer in build/tsan (CI runs the threaded
# tests there: scripts/test.sh -L threads).
set -euo pipefail
cd "$(dirname "$0")/.."
# Sanitizer builds: -O1 and line tables only (what the sanitizers' reports need)
# compile in two thirds of RelWithDebInfo's -O2 -g time and run the tests as fast
# (measured: ASan build 793 s from scratch on 2 cores, its tests 357 s vs 377 s).
sanitizer_flags="-O1 -g1 -DNDEBUG"
if [ "${SPIKEQ_SANITIZE:-0}" = thread ]; then
  build_dir=build/tsan
  # Only what the threaded tests run (tests/CMakeLists.txt: threads_tests depends on
  # every executable labelled threads, so a new one cannot be left unbuilt).
  export SPIKEQ_BUILD_TARGETS=${SPIKEQ_BUILD_TARGETS:-"spikeq threads_tests"}
  scripts/setup.sh "$build_dir" -DSPIKEQ_WERROR=ON -DSPIKEQ_SANITIZE=thread -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$sanitizer_flags" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=$sanitizer_flags"
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
elif [ "${SPIKEQ_SANITIZE:-0}" = 1 ]; then
  build_dir=build/sanitize
  scripts/setup.sh "$build_dir" -DSPIKEQ_WERROR=ON -DSPIKEQ_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$sanitizer_flags" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=$sanitizer_flags"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp
else
  build_dir=build/release
  scripts/setup.sh "$build_dir" -DSPIKEQ_WERROR=ON
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" "$@"
