#include "neurons/simd/psc_exp_kernel.hpp"

#define SPIKEQ_KERNEL_NAME psc_exp_propagate_baseline
#include "neurons/simd/psc_exp_kernel.inc"

namespace spikeq::simd {

psc_exp_propagate_function select_psc_exp_propagate() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? &psc_exp_propagate_avx2 : &psc_exp_propagate_baseline;
}

}  // namespace spikeq::simd
