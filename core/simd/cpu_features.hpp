// Which wide instruction sets the running CPU offers, for choosing kernel builds.
#pragma once

namespace spikeq::simd {

inline bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}

}  // namespace spikeq::simd
