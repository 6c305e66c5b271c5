// Compiled with -mavx2; see core/CMakeLists.txt.
#include "core/simd/input_sums_kernel.hpp"

#define SPIKEQ_KERNEL_NAME apply_sums_avx2
#include "core/simd/input_sums_kernel.inc"
