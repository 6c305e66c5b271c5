// Compiled with -mavx2 (and without FMA); see neurons/CMakeLists.txt.
#include "neurons/simd/cond_exp_kernel.hpp"

#define SPIKEQ_KERNEL_NAME cond_exp_propagate_avx2
#include "neurons/simd/cond_exp_kernel.inc"
