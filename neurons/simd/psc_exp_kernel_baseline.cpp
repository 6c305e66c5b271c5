#include "core/simd/cpu_features.hpp"
#include "neurons/simd/psc_exp_kernel.hpp"

#define SPIKEQ_KERNEL_NAME psc_exp_propagate_baseline
#include "neurons/simd/psc_exp_kernel.inc"

namespace spikeq::simd {

psc_exp_propagate_function select_psc_exp_propagate() {
  if (cpu_has_avx512()) return &psc_exp_propagate_avx512;
  return cpu_has_avx2() ? &psc_exp_propagate_avx2 : &psc_exp_propagate_baseline;
}

}  // namespace spikeq::simd
