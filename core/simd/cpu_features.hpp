// Which wide instruction sets the running CPU offers, for choosing kernel builds.
#pragma once

namespace spikeq::simd {

inline bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") != 0;
}

// AVX-512 Foundation and Doubleword/Quadword: what the 512-bit kernel builds use.
inline bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0 && __builtin_cpu_supports("avx512dq") != 0;
}

}  // namespace spikeq::simd
