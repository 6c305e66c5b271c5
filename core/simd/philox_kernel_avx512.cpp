// Compiled with AVX-512 F/DQ and 512-bit vectors; see core/CMakeLists.txt.
#include "core/simd/philox_kernel.hpp"

#define SPIKEQ_KERNEL_SUFFIX avx512
#include "core/simd/philox_kernel.inc"
