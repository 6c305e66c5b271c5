#!/usr/bin/env bash
# Runs example networks and validates their output files with h5py: spikes and a
# membrane-potential report (examples), and recorded weights, i.e. edge populations,
# a synapse report and a weight-change log (tests/data/plasticity/weights_layout).
# Then checks that check_sonata.py rejects a copy whose edge index is corrupted.
set -euo pipefail
spikeq=$1
src=$2
check="$src/tests/io/check_sonata.py"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$spikeq" run "$src/examples/delay_demo.textproto" -o "$dir/delay.h5" -q
"$spikeq" run "$src/examples/default.textproto" -o "$dir/default.h5" --t-stop 200 -q
"$spikeq" run "$src/tests/data/plasticity/weights_layout.textproto" -o "$dir/weights.h5" --t-stop 500 -q
/usr/bin/python3 -B "$check" "$dir/delay.h5" "$dir/default.h5" "$dir/weights.h5"

# The weights file must hold what the checker is meant to check (not pass vacuously).
/usr/bin/python3 - "$dir/weights.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    for path in ("edges/plastic", "edges/static", "report/plastic", "weight_events/plastic"):
        if path not in f:
            sys.exit(f"{sys.argv[1]}: /{path} missing")
    for path in ("report/static", "weight_events/static"):
        if path in f:
            sys.exit(f"{sys.argv[1]}: /{path} present, but only the static projection's edges were asked for")
    if len(f["weight_events/plastic/timestamps"]) == 0:
        sys.exit(f"{sys.argv[1]}: no weight changes logged (no plasticity happened?)")
PY

# Negative self-test: one node_id_to_ranges entry changed must be reported, with its path.
cp "$dir/weights.h5" "$dir/bad_index.h5"
/usr/bin/python3 - "$dir/bad_index.h5" <<'PY'
import sys
import h5py
with h5py.File(sys.argv[1], "r+") as f:
    ranges = f["edges/plastic/indices/source_to_target/node_id_to_ranges"]
    row = ranges[3]
    row[1] += 1  # node 3 now claims the next node's first range as well
    ranges[3] = row
PY
if out=$(/usr/bin/python3 -B "$check" "$dir/bad_index.h5" 2>&1); then
  echo "check_sonata.py accepted a corrupted edge index:" >&2
  echo "$out" >&2
  exit 1
fi
expected="$dir/bad_index.h5:/edges/plastic/indices/source_to_target/node_id_to_ranges: node 3:"
if [[ $out != *"$expected"* ]]; then
  echo "check_sonata.py did not report the corrupted node_id_to_ranges entry as expected ($expected):" >&2
  echo "$out" >&2
  exit 1
fi
echo "check_sonata.py rejects a corrupted edge index: ok"
