#!/bin/sh
# Builds and runs bench/delivery_floor.cpp: memory bandwidth, the random-add floor of
# spike delivery and spikeq's own delivery path, at several network sizes.
# Standalone (bench/ has no CMake project): g++ with the Release build's flags, against
# this tree's headers (core/synapse_table.hpp, neurons/step_support.hpp).
#   bench/delivery_floor.sh [IN_DEGREE [EVENTS]]     (defaults 80 and 5e7)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/spikeq_delivery_floor
g++ -std=c++20 -O3 -DNDEBUG -ffp-contract=off -Wall -Wextra -I "$root" -o "$out" "$root/bench/delivery_floor.cpp"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
"$out" "$@"
