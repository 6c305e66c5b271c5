#!/usr/bin/env bash
# The live raster page in headless Chromium against a real run: starts
# `spikeq run examples/live_raster.textproto --serve` in realtime mode, opens the
# page, and checks (browser_raster_test.py) that model time advances and spikes are
# drawn. Usage: browser_raster.sh SPIKEQ SOURCE_DIR [SCREENSHOT]
set -euo pipefail
spikeq=$1
src=$2
work=$(mktemp -d)
shot=${3:-$work/raster.png}
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$spikeq" run "$src/examples/live_raster.textproto" -o "$work/out.h5" --t-stop 60000 -q \
  --serve 127.0.0.1:0 --port-file "$work/port" --mode realtime 2>"$work/err" &
pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "spikeq did not start serving:"; cat "$work/err"; exit 1; }
/usr/bin/python3 -B "$src/tests/live/browser_raster_test.py" --url "http://127.0.0.1:$(cat "$work/port")/" \
  --screenshot "$shot"
