// Compiled with AVX-512 F/DQ and 512-bit vectors; see core/CMakeLists.txt.
#include "core/simd/input_sums_kernel.hpp"

#define SPIKEQ_KERNEL_NAME apply_sums_avx512
#include "core/simd/input_sums_kernel.inc"
