#include "core/simd/cpu_features.hpp"
#include "core/simd/input_sums_kernel.hpp"

#define SPIKEQ_KERNEL_NAME apply_sums_baseline
#include "core/simd/input_sums_kernel.inc"

namespace spikeq::simd {

apply_sums_function select_apply_sums() {
  if (cpu_has_avx512()) return &apply_sums_avx512;
  return cpu_has_avx2() ? &apply_sums_avx2 : &apply_sums_baseline;
}

}  // namespace spikeq::simd
