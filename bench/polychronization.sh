#!/usr/bin/env bash
# Izhikevich 2006 polychronization network with spnet STDP (examples/polychronization.textproto):
# model time per wall time, target 1 hour of model time in <= 2 minutes on one core
# (benchmarks.md). Usage: bench/polychronization.sh [MODEL_SECONDS] (default 3600).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3600}
spikeq=${SPIKEQ:-build/release/tools/spikeq}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/time -f "%e %M" -o "$out/time.txt" "$spikeq" run examples/polychronization.textproto \
  -o "$out/poly.h5" --t-stop $((seconds * 1000)) > "$out/summary.txt"
cat "$out/summary.txt"
/usr/bin/python3 - "$out/poly.h5" "$out/time.txt" "$seconds" <<'PY'
import sys, h5py, numpy as np
wall, peak_kb = (float(x) for x in open(sys.argv[2]).read().split()[-2:])
model = float(sys.argv[3])
w = h5py.File(sys.argv[1])["edges/exc_to_all.exc/0/syn_weight"][:]
print(f"{model:.0f} s of model time in {wall:.1f} s wall ({model / wall:.1f} model-s per wall-s; "
      f"1 h of model time: {3600 / model * wall:.0f} s); peak memory {peak_kb / 1024:.0f} MB")
print(f"E->E weights: {np.mean(w < 1):.3f} below 1, {np.mean(w > 9):.3f} above 9 (s_max = 10)")
PY
