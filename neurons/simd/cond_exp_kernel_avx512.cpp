// Compiled with AVX-512 F/DQ and 512-bit vectors (and without FMA); see
// neurons/CMakeLists.txt.
#include "neurons/simd/cond_exp_kernel.hpp"

#define SPIKEQ_KERNEL_NAME cond_exp_propagate_avx512
#include "neurons/simd/cond_exp_kernel.inc"
