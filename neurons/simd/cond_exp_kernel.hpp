// The vectorised inner loop of iaf_cond_exp, compiled for the baseline, AVX2 and
// AVX-512 and chosen at run time like psc_exp_kernel.hpp (identical bits every way).
#pragma once

#include <cstddef>

namespace spikeq::simd {

struct cond_exp_propagator {
  double g_L, E_L_times_g_L, E_ex, E_in, I_e, h_over_C, half_decay_ex, half_decay_in, decay_ex, decay_in;
};

// One step for neurons [0, n): V by exponential Euler with the conductances at the
// step midpoint, then the conductances decay over the step. Refractory clamping and
// the step's input are applied by the caller. I_stim (current sources) and I_noise
// (noise currents, added to them) may each be null (all zero).
// REQUIRES: the arrays do not overlap.
using cond_exp_propagate_function = void (*)(std::size_t n, cond_exp_propagator c, double* V, double* g_ex,
                                             double* g_in, const double* I_stim, const double* I_noise);

cond_exp_propagate_function select_cond_exp_propagate();

void cond_exp_propagate_baseline(std::size_t, cond_exp_propagator, double*, double*, double*, const double*,
                                 const double*);
void cond_exp_propagate_avx2(std::size_t, cond_exp_propagator, double*, double*, double*, const double*,
                             const double*);
void cond_exp_propagate_avx512(std::size_t, cond_exp_propagator, double*, double*, double*, const double*,
                               const double*);

}  // namespace spikeq::simd
