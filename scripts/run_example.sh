#!/usr/bin/env bash
# README command 1: set up, build in Release, and run the default example network.
# Usage: scripts/run_example.sh [NETWORK.textproto] [OUTPUT.h5]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build/release
network=${1:-examples/default.textproto}
output=${2:-out/default.h5}
mkdir -p "$(dirname "$output")"
build/release/tools/spikeq run "$network" -o "$output"
