#!/usr/bin/env bash
# Every shipped example network passes `spikeq validate` (schema, checks, data-set
# files found), so an example never breaks silently when the schema or a rule changes.
# The long examples run end to end in their slow tests and bench/ scripts.
set -euo pipefail
spikeq=$1
src=$2
count=0
for net in "$src"/examples/*.textproto; do
  if ! out=$("$spikeq" validate "$net" 2>&1); then
    echo "FAIL: $net" >&2
    echo "$out" >&2
    exit 1
  fi
  count=$((count + 1))
done
[ "$count" -ge 20 ] || { echo "only $count examples found under $src/examples" >&2; exit 1; }
echo "$count examples validate"
