#include "core/simd/cpu_features.hpp"
#include "core/simd/philox_kernel.hpp"

#define SPIKEQ_KERNEL_SUFFIX baseline
#include "core/simd/philox_kernel.inc"

namespace spikeq::simd {

philox_blocks_function select_philox_blocks() {
  if (cpu_has_avx512()) return &philox_blocks_avx512;
  return cpu_has_avx2() ? &philox_blocks_avx2 : &philox_blocks_baseline;
}

poisson_head_counts_function select_poisson_head_counts() {
  if (cpu_has_avx512()) return &poisson_head_counts_avx512;
  return cpu_has_avx2() ? &poisson_head_counts_avx2 : &poisson_head_counts_baseline;
}

}  // namespace spikeq::simd
