#!/usr/bin/env bash
# Runs two example networks and validates their output files with h5py.
set -euo pipefail
spikeq=$1
src=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$spikeq" run "$src/examples/delay_demo.textproto" -o "$dir/delay.h5" -q
"$spikeq" run "$src/examples/default.textproto" -o "$dir/default.h5" --t-stop 200 -q
/usr/bin/python3 "$src/tests/io/check_sonata.py" "$dir/delay.h5" "$dir/default.h5"
