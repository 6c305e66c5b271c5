// Compiled with -mavx2; see core/CMakeLists.txt.
#include "core/simd/philox_kernel.hpp"

#define SPIKEQ_KERNEL_SUFFIX avx2
#include "core/simd/philox_kernel.inc"
