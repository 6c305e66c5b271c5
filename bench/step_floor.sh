#!/bin/sh
# Builds and runs bench/step_floor.cpp: the cost of the iaf_psc_exp step kernel alone
# at 4k to 4M neurons, per neuron-step and per synaptic event of bench/cuba_growth.py.
# Standalone (bench/ has no CMake project): g++ with the flags neurons/CMakeLists.txt
# gives each instruction set's kernel, against this tree's sources.
#   bench/step_floor.sh [NEURON_STEPS]     (default 2e9 per timing)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${TMPDIR:-/tmp}/spikeq_step_floor
flags="-std=c++20 -O3 -DNDEBUG -ffp-contract=off -Wall -Wextra -I $root"
cd "${TMPDIR:-/tmp}"
g++ $flags -c "$root/neurons/simd/psc_exp_kernel_baseline.cpp" -o step_floor_baseline.o
g++ $flags -mavx2 -mno-fma -c "$root/neurons/simd/psc_exp_kernel_avx2.cpp" -o step_floor_avx2.o
g++ $flags -mavx512f -mavx512dq -mno-fma -mprefer-vector-width=512 \
  -c "$root/neurons/simd/psc_exp_kernel_avx512.cpp" -o step_floor_avx512.o
g++ $flags -o "$out" "$root/bench/step_floor.cpp" step_floor_baseline.o step_floor_avx2.o step_floor_avx512.o
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
"$out" "$@"
