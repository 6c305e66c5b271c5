#!/bin/sh
# Builds and runs bench/random_rows.cpp: random table rows with and without a stream
# between windows, with and without the huge-page hint: the floor of delivery's table
# reads in a large network (bench/RESULTS.md, CUBA growth).
# Standalone (bench/ has no CMake project): g++ -O3 -march=native.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/spikeq_random_rows
g++ -std=c++20 -O3 -march=native -DNDEBUG -Wall -Wextra -o "$out" "$root/bench/random_rows.cpp"
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
"$out"
