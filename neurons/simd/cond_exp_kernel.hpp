// The vectorised inner loop of iaf_cond_exp, compiled for the baseline, AVX2 and
// AVX-512 and chosen at run time like psc_exp_kernel.hpp (identical bits every way).
#pragma once

#include <cstddef>
#include <cstdint>

namespace spikeq::simd {

struct cond_exp_propagator {
  double g_L, E_L_times_g_L, E_ex, E_in, I_e, h_over_C, half_decay_ex, half_decay_in, decay_ex, decay_in;
};

// Neurons are tested against the threshold in blocks of this many.
inline constexpr std::size_t cond_exp_block = 64;

// One step for neurons [0, n): V by exponential Euler with the conductances at the
// step midpoint, then the conductances decay over the step. Refractory clamping is
// applied by the caller. I_stim (current sources) and I_noise (noise currents, added
// to them) may each be null (all zero).
// sum_ex and sum_in, when not null, are the step's input summed per neuron (an
// input_sums slot in its dense form): each non-zero sum is added to its decayed
// conductance and every sum is cleared, as input_sums::apply_and_clear would do
// after the step, in the same pass over the neurons (COBA: one pass over the
// conductances instead of two). Null: the caller applies the step's input.
// Writes to crossing_blocks, in increasing order, the index b of every block of
// neurons [b * cond_exp_block, (b + 1) * cond_exp_block) ∩ [0, n) in which the new V
// reached `threshold`, and returns how many there are (as psc_exp_kernel.hpp).
// REQUIRES: the arrays do not overlap; sum_ex and sum_in are both null or neither;
// crossing_blocks has room for n / cond_exp_block + 1 entries.
using cond_exp_propagate_function = std::size_t (*)(std::size_t n, cond_exp_propagator c, double* V,
                                                    double* g_ex, double* g_in, const double* I_stim,
                                                    const double* I_noise, double* sum_ex, double* sum_in,
                                                    double threshold, std::uint32_t* crossing_blocks);

cond_exp_propagate_function select_cond_exp_propagate();

std::size_t cond_exp_propagate_baseline(std::size_t, cond_exp_propagator, double*, double*, double*,
                                        const double*, const double*, double*, double*, double,
                                        std::uint32_t*);
std::size_t cond_exp_propagate_avx2(std::size_t, cond_exp_propagator, double*, double*, double*,
                                    const double*, const double*, double*, double*, double, std::uint32_t*);
std::size_t cond_exp_propagate_avx512(std::size_t, cond_exp_propagator, double*, double*, double*,
                                      const double*, const double*, double*, double*, double, std::uint32_t*);

}  // namespace spikeq::simd
