#!/usr/bin/env bash
# Construction speed: builds a network of about 10^7 synapses (spikeq validate builds
# the full synapse tables) and reports wall time, synapses per second and peak memory.
# Usage: bench/build_speed.sh [SPIKEQ_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
spikeq=${1:-build/release/tools/spikeq}
for run in 1 2 3; do
  /usr/bin/time -f "wall %e s, peak %M KB" "$spikeq" validate bench/networks/build_1e7.textproto
done
