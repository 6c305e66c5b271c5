// The vectorised inner loop of iaf_psc_exp, compiled three times (baseline x86-64,
// AVX2 and AVX-512) and chosen once at run time from what the CPU supports. Both builds use
// the same operations in the same order with contraction into FMA disabled, so
// they produce identical bits: the choice never changes a result.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spikeq::simd {

// The step's coefficients: V(end) = P22 V + C_ex I_ex_base + C_in I_in_base + P20 I_inject,
// where I_base are the synaptic currents referred to a common earlier time (the
// caller folds their decay since then into C_ex and C_in, so the currents are only
// read: iaf_psc_exp.hpp).
struct psc_exp_propagator {
  double P22, C_ex, C_in, P20, I_e;
};

// Neurons are tested against the threshold in blocks of this many.
inline constexpr std::size_t psc_exp_block = 64;

// One exact step of V for neurons [0, n) under the currents of the step's start
// (NEST iaf_psc_exp order). Refractory clamping and the step's synaptic input are
// applied by the caller afterwards. I_stim (current
// sources' currents) and I_noise (noise currents, added to them) may each be null
// when no neuron has one.
// Writes to crossing_blocks, in increasing order, the index b of every block of
// neurons [b * psc_exp_block, (b + 1) * psc_exp_block) ∩ [0, n) in which a freely
// propagated V reached `threshold`, and to crossing_lanes the same entry's lanes: bit
// i set when a neuron b * psc_exp_block + 8 j + i (some j) reached it, so the
// threshold test after the step looks at those neurons only. Returns how many
// blocks there are.
// REQUIRES: the arrays do not overlap; crossing_blocks and crossing_lanes have room
// for n / psc_exp_block + 1 entries.
using psc_exp_propagate_function = std::size_t (*)(std::size_t n, psc_exp_propagator c, double* V,
                                                   const double* I_ex_base, const double* I_in_base,
                                                   const double* I_stim, const double* I_noise,
                                                   double threshold, std::uint32_t* crossing_blocks,
                                                   std::uint8_t* crossing_lanes);

psc_exp_propagate_function select_psc_exp_propagate();

std::size_t psc_exp_propagate_baseline(std::size_t, psc_exp_propagator, double*, const double*, const double*,
                                       const double*, const double*, double, std::uint32_t*, std::uint8_t*);
std::size_t psc_exp_propagate_avx2(std::size_t, psc_exp_propagator, double*, const double*, const double*,
                                   const double*, const double*, double, std::uint32_t*, std::uint8_t*);
std::size_t psc_exp_propagate_avx512(std::size_t, psc_exp_propagator, double*, const double*, const double*,
                                     const double*, const double*, double, std::uint32_t*, std::uint8_t*);

}  // namespace spikeq::simd
