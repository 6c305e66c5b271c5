#!/usr/bin/env bash
# Analysis speed (issue 4): `spikeq analyze` on a recording of 10^8 spikes (spikes
# analysed per second, peak memory) and `spikeq plot --raster` of 10^7 spikes (the
# first second of the same file). Usage: bench/analyze_speed.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
spikeq=${SPIKEQ:-build/release/tools/spikeq}
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
rec="$dir/spikes_1e8.h5"
if [ ! -f "$rec" ]; then
  /usr/bin/time -f "recording written in %e s, peak %M kB" "$spikeq" run bench/networks/spikes_1e8.textproto -o "$rec" -q
fi
ls -l "$rec"
/usr/bin/time -f "%e %M" -o "$dir/analyze.time" "$spikeq" analyze "$rec" > "$dir/analyze.txt"
/usr/bin/time -f "%e %M" -o "$dir/raster.time" "$spikeq" plot "$rec" --t-stop 1000 --raster "$dir/raster.png"
read -r a_wall a_kb < "$dir/analyze.time"
read -r p_wall p_kb < "$dir/raster.time"
/usr/bin/python3 - "$a_wall" "$a_kb" "$p_wall" "$p_kb" <<'PY'
import sys
a_wall, a_kb, p_wall, p_kb = map(float, sys.argv[1:])
print(f"analyze: 1e8 spikes in {a_wall:.1f} s ({1e8 / a_wall:.3g} spikes/s), peak {a_kb / 1024:.0f} MB")
print(f"raster of 1e7 spikes: {p_wall:.1f} s, peak {p_kb / 1024:.0f} MB")
PY
