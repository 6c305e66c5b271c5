#!/usr/bin/env bash
# Long campaign of the recording fuzzer (issue 12: >= 10^6 executions).
#
# Phase 1 runs fuzz_recording built with libFuzzer + UBSan only
# (SPIKEQ_FUZZ_SANITIZERS=undefined): ASan's allocator maps, faults in and unmaps
# every large libhdf5 buffer (512 KiB inflated chunks, 1 MiB conversion buffers).
# The target itself aborts on any HDF5 identifier left open after an input.
# Phase 2 replays every input the campaign kept (its whole corpus) through the
# ASan+LSan build of scripts/fuzz.sh, so each code path the campaign reached is also
# checked for memory errors and leaks.
# Usage: bench/fuzz_campaign.sh [SECONDS] [JOBS] [RUNS]   (defaults 3600, 1, no limit)
# Phase 1 stops after SECONDS or after RUNS executions, whichever comes first.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
jobs=${2:-1}
runs=${3:--1}
lean=${SPIKEQ_FUZZ_LEAN_BUILD:-build/fuzz_lean}
full=${SPIKEQ_FUZZ_BUILD:-build/fuzz}
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
build() {  # build dir, sanitizers
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DSPIKEQ_FUZZ=ON -DSPIKEQ_FUZZ_SANITIZERS="$2" \
    -DSPIKEQ_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
  cmake --build "$1" -j"${SPIKEQ_BUILD_JOBS:-2}" --target fuzz_recording >/dev/null
}
build "$lean" undefined

corpus=$lean/campaign_corpus
mkdir -p "$corpus" "$lean/artifacts" "$lean/replay_artifacts"
find fuzz/corpus/recording tests/data -name '*.h5' -size -256k -exec cp -n -t "$corpus" {} + 2>/dev/null || true
cp -n -t "$corpus" fuzz/regressions/recording/* 2>/dev/null || true

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== phase 1: ${seconds} s or ${runs} runs, ${jobs} job(s), log $lean/campaign.log"
# Fork mode as in scripts/fuzz.sh: libhdf5's own out-of-memory and timeout reports on
# damaged files are logged and skipped; a crash, a leak or undefined behaviour in any
# code stops the run and leaves its crash- file in $lean/artifacts.
"$lean/fuzz/fuzz_recording" -fork="$jobs" -ignore_ooms=1 -ignore_timeouts=1 -max_total_time="$seconds" \
  -runs="$runs" -timeout=5 -rss_limit_mb=2048 -close_fd_mask=1 -print_final_stats=1 \
  -artifact_prefix="$lean/artifacts/" "$corpus" 2>"$lean/campaign.log" || true
grep -E '^#[0-9]+: cov' "$lean/campaign.log" | tail -1
crashes=$(find "$lean/artifacts" -name 'crash-*' ! -name '*.log' | wc -l)
echo "timeout-/oom- files (libhdf5, ignored): $(find "$lean/artifacts" -name 'timeout-*' ! -name '*.log' | wc -l)/$(find "$lean/artifacts" -name 'oom-*' ! -name '*.log' | wc -l)"
if [[ $crashes -ne 0 ]]; then
  grep -B5 -A30 -m1 -E 'ERROR: |runtime error:' "$lean/campaign.log" | head -60
  echo "FAILED: $crashes crash- file(s) in $lean/artifacts"
  exit 1
fi

build "$full" address,undefined
echo "== phase 2: $(ls "$corpus" | wc -l) kept inputs through ASan+LSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:suppressions=$PWD/fuzz/asan.supp
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp
"$full/fuzz/fuzz_recording" -timeout=5 -rss_limit_mb=2048 -close_fd_mask=1 -artifact_prefix="$lean/replay_artifacts/" "$corpus"/* \
  >"$lean/replay.log" 2>&1 && echo "replay: 0 failures" || { tail -30 "$lean/replay.log"; exit 1; }
