// exp(x) for x <= 0 in operations the compiler can vectorise, the same in every build
// (baseline, AVX2, AVX-512), so wide and narrow kernels agree to the bit. libm's exp
// is neither vectorisable here nor guaranteed identical across its CPU-specific
// variants.
//
// Accuracy: within 1 ulp of exp(x) for -700 <= x <= 0 (tested in
// tests/neurons/simd_kernels_test.cpp); x below -700 returns exp(-700) ~ 1e-304.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace spikeq::simd {

// Internal linkage: each kernel's source compiles its own copy of these functions for
// its instruction set, and the linker must never pick one build's copy for another's
// calls.

// Arguments in [exp_near_zero_min, 0] need no range reduction: COBA's step keeps
// exp's argument, -h g / C, there for conductances g up to 680 nS (C = 200 pF,
// h = 0.1 ms), and its kernel takes exp_near_zero eight lanes at a time.
inline constexpr double exp_near_zero_min = -0.34;

// exp(x) for x in [exp_near_zero_min, 0], for a double or a double8 (lanes.hpp) with
// the same operations in the same order: 1 + (x + x^2 q(x)), with q of degree 8
// fitted to (exp(x) - 1 - x) / x^2 on that interval (least squares on 400 Chebyshev
// nodes in 40-digit arithmetic: scripts/fit_exp_near_zero.py), evaluated by Estrin's
// scheme. Truncation error below 3e-18; within 0.8 ulp of exp(x) when evaluated in
// double. Half the operations of the reduced path below. Passed by reference: the
// builds without AVX-512 pass a double8 by value in another way.
template <typename T>
static inline void exp_near_zero(const T& x, T& exp_x) {
  const T x2 = x * x;
  const T x4 = x2 * x2;
  const T degrees_0_1 = 0.5 + x * 0.16666666666666183;
  const T degrees_2_3 = 0.04166666666628591 + x * 0.008333333321805194;
  const T degrees_4_5 = 0.0013888887138872774 + x * 0.00019841120397706615;
  const T degrees_6_7 = 2.4794071910738523e-05 + x * 2.7335937263293928e-06;
  const T degrees_4_to_8 = (degrees_4_5 + x2 * degrees_6_7) + x4 * 2.399635904689609e-07;
  const T q = (degrees_0_1 + x2 * degrees_2_3) + x4 * degrees_4_to_8;
  exp_x = 1.0 + (x + x2 * q);
}

static inline double exp_nonpositive(double x) {
  if (x >= exp_near_zero_min && x <= 0.0) {
    double exp_x;
    exp_near_zero(x, exp_x);
    return exp_x;
  }
  constexpr double log2e = 1.4426950408889634074;
  // ln 2 split so that k * ln2_hi is exact for |k| < 2^11 (Cody & Waite).
  constexpr double ln2_hi = 6.93147180369123816490e-01;
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double round_shift = 0x1.8p52;  // adding it rounds to an integer in the low bits
  x = std::min(std::max(x, -700.0), 0.0);
  const double shifted = x * log2e + round_shift;  // k = round(x / ln 2) sits in the low bits
  const double kd = shifted - round_shift;
  const double r = (x - kd * ln2_hi) - kd * ln2_lo;  // |r| <= ln2 / 2
  // Taylor series to degree 13: truncation error below 1e-17 on |r| <= 0.347.
  // Evaluated as 1 + (r + r^2 tail(r)) with tail, the terms of degree 2 to 13, by
  // Estrin's scheme: a vectorised COBA step waits on the polynomial's longest chain
  // of dependent operations, which is 10 long here and 26 by Horner's rule. Adding
  // 1 + r last keeps the result within 1 ulp, as by Horner's rule.
  const double r2 = r * r;
  const double r4 = r2 * r2;
  const double r8 = r4 * r4;
  const double degrees_2_3 = 1.0 / 2.0 + r * (1.0 / 6.0);
  const double degrees_4_5 = 1.0 / 24.0 + r * (1.0 / 120.0);
  const double degrees_6_7 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  const double degrees_8_9 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  const double degrees_10_11 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
  const double degrees_12_13 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const double degrees_2_to_5 = degrees_2_3 + r2 * degrees_4_5;
  const double degrees_6_to_9 = degrees_6_7 + r2 * degrees_8_9;
  const double degrees_10_to_13 = degrees_10_11 + r2 * degrees_12_13;
  const double tail = (degrees_2_to_5 + r4 * degrees_6_to_9) + r8 * degrees_10_to_13;
  const double p = 1.0 + (r + r2 * tail);
  // 2^k built from k's bits with integer operations only (they vectorise; a
  // double-to-int64 conversion does not before AVX-512). k >= -1010 here, so the
  // result is a normal number.
  std::uint64_t shifted_bits;
  std::memcpy(&shifted_bits, &shifted, sizeof shifted_bits);
  constexpr std::uint64_t round_shift_bits = 0x4338000000000000ULL;  // bits of 0x1.8p52
  const std::uint64_t bits = (shifted_bits - round_shift_bits + 1023) << 52;
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace spikeq::simd
