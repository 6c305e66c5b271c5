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
mkdir -p "$corpus" "$lean/artifacts"
find fuzz/corpus/recording tests/data -name '*.h5' -size -256k -exec cp -n -t "$corpus" {} + 2>/dev/null || true
cp -n -t "$corpus" fuzz/regressions/recording/* 2>/dev/null || true

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== phase 1: ${seconds} s or ${runs} runs, ${jobs} job(s), log $lean/campaign.log"
# Fork mode as in scripts/fuzz.sh: libhdf5's own out-of-memory and timeout reports on
# damaged files are logged and skipped; crashes and UB in any code stop the run.
# Variable-length strings are read in a forked child (variable_string_read.cpp), one
# per open file, and page faults are what a fork costs on a VM: bind all
# symbols at start (or each child resolves them again) and let glibc's heap use
# transparent huge pages (fewer faults after each fork). Reports are not symbolized:
# llvm-symbolizer takes 0.2 s to over 1 s here, and a string-reading child that
# crashes inside libhdf5 held its parent up that long (re-run a reproducer for a
# symbolized stack).
# None of this changes what is checked.
LD_BIND_NOW=1 GLIBC_TUNABLES=glibc.malloc.hugetlb=1 UBSAN_OPTIONS=$UBSAN_OPTIONS:symbolize=0 \
  "$lean/fuzz/fuzz_recording" -fork="$jobs" -ignore_ooms=1 -ignore_timeouts=1 -max_total_time="$seconds" \
  -runs="$runs" -timeout=5 -rss_limit_mb=2048 -close_fd_mask=1 -print_final_stats=1 \
  -artifact_prefix="$lean/artifacts/" "$corpus" 2>"$lean/campaign.log"
grep -E '^#[0-9]+: cov' "$lean/campaign.log" | tail -1
# A crash inside a string-reading child (variable_string_read.cpp) runs libFuzzer's
# crash handler in that child, which writes a crash- file although the reader
# contained it (hdf5_error) and the run went on. Each crash- file is re-run: the input
# must pass, and in every crash report of the re-run the first frame in our binary
# must be read_here (the child's call into libhdf5), below it only libhdf5 and the
# libraries it calls. (Re-runs write their children's crash- files elsewhere.)
exe=$PWD/$lean/fuzz/fuzz_recording
contained=0
unreproduced=0
cut_short=0
rm -f "$lean/cut_short.txt"
mkdir -p "$lean/rerun_artifacts"
for f in "$lean"/artifacts/crash-*; do
  [[ -e $f && $f != *.log ]] || continue
  UBSAN_OPTIONS=$UBSAN_OPTIONS:symbolize=0 "$exe" -timeout=5 -rss_limit_mb=2048 -close_fd_mask=1 \
    -artifact_prefix="$lean/rerun_artifacts/" "$f" >"$f.rerun.log" 2>&1 ||
    { tail -30 "$f.rerun.log"; echo "FAILED: re-running $f"; exit 1; }
  # One line per report: whether a libhdf5 frame came before our first frame, and that
  # frame's offset. Our frames before any library frame are the crash handler's.
  reports=$(awk -v exe="($exe+" '
    /ERROR: [A-Za-z]*Sanitizer|ERROR: libFuzzer|runtime error:/ {
      if (open) print hdf5, "none"
      open = 1; hdf5 = 0; lib = 0; next
    }
    open && /^ +#[0-9]+ / {
      if (!index($0, exe)) { lib = 1; if (/libhdf5/) hdf5 = 1; next }
      if (lib) { split($0, a, "+"); sub(/\).*/, "", a[2]); print hdf5, a[2]; open = 0 }
    }
    END { if (open) print hdf5, "none" }' "$f.rerun.log")
  if [[ -z $reports ]]; then unreproduced=$((unreproduced + 1)); continue; fi
  # The child's address-space bound (variable_string_read.cpp) can leave UBSan no
  # memory for its report: no stack to check. Counted apart; locate them with a build
  # without the bound (2026-12-06: e0315b6's; bench/RESULTS.md, "Fuzzing").
  if grep -q "internal allocator is out of memory" "$f.rerun.log" && ! grep -qv "^0 none$" <<<"$reports"; then
    cut_short=$((cut_short + 1)); echo "$f" >>"$lean/cut_short.txt"; continue
  fi
  while read -r hdf5 offset; do
    where=none
    [[ $offset == none ]] || where=$(llvm-symbolizer --obj="$exe" "$(printf '0x%x' $((offset - 1)))" | head -1)
    if [[ $hdf5 != 1 || $where != *read_here* ]]; then
      grep -A20 ERROR "$f.rerun.log" | head -40
      echo "FAILED: $f crashes outside libhdf5 (first frame of ours: $where)"
      exit 1
    fi
  done <<<"$reports"
  contained=$((contained + 1))
done
echo "crash- files of string-reading children: $contained inside libhdf5 (contained), $unreproduced not reproduced on re-run," \
  "$cut_short with reports cut short by the address-space bound (inputs pass; listed in $lean/cut_short.txt)"
echo "timeout-/oom- files (libhdf5, ignored): $(find "$lean/artifacts" -name 'timeout-*' ! -name '*.log' | wc -l)/$(find "$lean/artifacts" -name 'oom-*' ! -name '*.log' | wc -l)"

build "$full" address,undefined
echo "== phase 2: $(ls "$corpus" | wc -l) kept inputs through ASan+LSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:suppressions=$PWD/fuzz/asan.supp
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan.supp
"$full/fuzz/fuzz_recording" -timeout=5 -rss_limit_mb=2048 -close_fd_mask=1 -artifact_prefix="$lean/rerun_artifacts/" "$corpus"/* \
  >"$lean/replay.log" 2>&1 && echo "replay: 0 failures" || { tail -30 "$lean/replay.log"; exit 1; }
