// The vectorised inner loop of iaf_psc_exp, compiled three times (baseline x86-64,
// AVX2 and AVX-512) and chosen once at run time from what the CPU supports. Both builds use
// the same operations in the same order with contraction into FMA disabled, so
// they produce identical bits: the choice never changes a result.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spikeq::simd {

struct psc_exp_propagator {
  double P22, P21_ex, P21_in, P20, P11_ex, P11_in, I_e;
};

// Neurons are tested against the threshold in blocks of this many.
inline constexpr std::size_t psc_exp_block = 64;

// One exact step for neurons [0, n): V relaxes under the currents of the step's
// start, then the currents decay (NEST iaf_psc_exp order). Refractory clamping and
// the step's synaptic input are applied by the caller afterwards. I_stim (current
// sources' currents) and I_noise (noise currents, added to them) may each be null
// when no neuron has one.
// Writes to crossing_blocks, in increasing order, the index b of every block of
// neurons [b * psc_exp_block, (b + 1) * psc_exp_block) ∩ [0, n) in which a freely
// propagated V reached `threshold`, and returns how many there are.
// REQUIRES: the arrays do not overlap; crossing_blocks has room for
// n / psc_exp_block + 1 entries.
using psc_exp_propagate_function = std::size_t (*)(std::size_t n, psc_exp_propagator c, double* V,
                                                   double* I_ex, double* I_in, const double* I_stim,
                                                   const double* I_noise, double threshold,
                                                   std::uint32_t* crossing_blocks);

psc_exp_propagate_function select_psc_exp_propagate();

std::size_t psc_exp_propagate_baseline(std::size_t, psc_exp_propagator, double*, double*, double*,
                                       const double*, const double*, double, std::uint32_t*);
std::size_t psc_exp_propagate_avx2(std::size_t, psc_exp_propagator, double*, double*, double*, const double*,
                                   const double*, double, std::uint32_t*);
std::size_t psc_exp_propagate_avx512(std::size_t, psc_exp_propagator, double*, double*, double*,
                                     const double*, const double*, double, std::uint32_t*);

}  // namespace spikeq::simd
