// The dense pass of input_sums::apply_and_clear: adds every neuron's summed input
// to its two variables and clears the sums. Compiled for baseline x86-64, AVX2 and
// AVX-512 (without FMA) and chosen at run time; each element is one multiply and one
// add or nothing, so every build gives the same bits.
#pragma once

#include <cstddef>

namespace spikeq::simd {

// For k < n: excitatory[k] += sum_ex[k] * scale_ex unless sum_ex[k] == 0 (then it is
// left as it is: -0.0 + 0.0 would turn a decayed-to-zero variable's sign), the same
// for the inhibitory pair; then both sums are 0. A scale of 1 adds the sums exactly.
// REQUIRES: the arrays do not overlap.
using apply_sums_function = void (*)(std::size_t n, double* excitatory, double* inhibitory, double* sum_ex,
                                     double* sum_in, double scale_ex, double scale_in);

apply_sums_function select_apply_sums();

void apply_sums_baseline(std::size_t, double*, double*, double*, double*, double, double);
void apply_sums_avx2(std::size_t, double*, double*, double*, double*, double, double);
void apply_sums_avx512(std::size_t, double*, double*, double*, double*, double, double);

}  // namespace spikeq::simd
