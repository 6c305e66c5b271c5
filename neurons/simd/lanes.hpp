// Eight doubles and eight comparison results in GCC vector types, for the kernels'
// hand-written blocks: each build (baseline, AVX2, AVX-512) lowers them to registers
// of its own width with the same operations, so every build gives the same bits.
// Internal linkage, as in exp_approx.hpp: each kernel source compiles its own copy.
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace spikeq::simd {

using double8 = double __attribute__((vector_size(64)));
using mask8 = std::int64_t __attribute__((vector_size(64)));

// Whether any lane is set. The lanes are folded in halves (each half a register of
// the narrower builds) rather than extracted one by one.
static inline bool any_lane(const mask8& m) {
#if defined(__AVX512F__)
  // One test into a mask register: the folding below costs a spill and four shuffles.
  __m512i lanes;
  std::memcpy(&lanes, &m, sizeof lanes);
  return _mm512_test_epi64_mask(lanes, lanes) != 0;
#else
  using mask4 = std::int64_t __attribute__((vector_size(32)));
  using mask2 = std::int64_t __attribute__((vector_size(16)));
  mask4 low4, high4;
  std::memcpy(&low4, &m, sizeof low4);
  std::memcpy(&high4, reinterpret_cast<const char*>(&m) + sizeof low4, sizeof high4);
  low4 |= high4;
  mask2 low2, high2;
  std::memcpy(&low2, &low4, sizeof low2);
  std::memcpy(&high2, reinterpret_cast<const char*>(&low4) + sizeof low2, sizeof high2);
  low2 |= high2;
  return (low2[0] | low2[1]) != 0;
#endif
}

// Bit i set when lane i is: which of a block's neurons, counted modulo 8, may have
// crossed (one lane extract each; for the rare blocks with a crossing).
static inline std::uint8_t lane_bits(const mask8& m) {
  std::int64_t lanes[8];
  std::memcpy(lanes, &m, sizeof lanes);
  unsigned bits = 0;
  for (unsigned i = 0; i < 8; ++i) bits |= (lanes[i] != 0 ? 1U : 0U) << i;
  return static_cast<std::uint8_t>(bits);
}

}  // namespace spikeq::simd
