#include "core/simd/cpu_features.hpp"
#include "neurons/simd/cond_exp_kernel.hpp"

#define SPIKEQ_KERNEL_NAME cond_exp_propagate_baseline
#include "neurons/simd/cond_exp_kernel.inc"

namespace spikeq::simd {

cond_exp_propagate_function select_cond_exp_propagate() {
  if (cpu_has_avx512()) return &cond_exp_propagate_avx512;
  return cpu_has_avx2() ? &cond_exp_propagate_avx2 : &cond_exp_propagate_baseline;
}

}  // namespace spikeq::simd
