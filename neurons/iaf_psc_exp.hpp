// Current-based leaky integrate-and-fire neuron with exponential synaptic currents
// (NEST iaf_psc_exp), time-stepped with the exact propagator of the linear ODE
// (Rotter & Diesmann 1999). Equations and defaults: docs/models/iaf_psc_exp.md.
#pragma once

#include <vector>

#include "core/cache_aligned_vector.hpp"
#include "core/population.hpp"
#include "core/time_grid.hpp"
#include "neurons/simd/psc_exp_kernel.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

struct iaf_psc_exp_parameters {
  double C_m_pF = 250.0;
  double tau_m_ms = 10.0;
  double E_L_mV = -70.0;
  double V_th_mV = -55.0;
  double V_reset_mV = -70.0;
  double t_ref_ms = 2.0;
  double tau_syn_ex_ms = 2.0;
  double tau_syn_in_ms = 2.0;
  double I_e_pA = 0.0;
};

// Per-neuron initial values (each vector has the population's size).
struct iaf_psc_exp_state_init {
  std::vector<double> V_m_mV;
  std::vector<double> I_syn_ex_pA;
  std::vector<double> I_syn_in_pA;
};

class iaf_psc_exp final : public population {
 public:
  // REQUIRES: step_ticks >= 1; parameters validated (tau > 0, C_m > 0, t_ref >= 0).
  // Throws std::invalid_argument unless V_reset < V_th.
  iaf_psc_exp(std::string name, neuron_id_type size, const iaf_psc_exp_parameters& p,
              const iaf_psc_exp_state_init& init, time_grid grid, tick_type step_ticks);

  std::string_view model() const override { return "iaf_psc_exp"; }
  void state(state_archive& ar) override;
  tick_type step_ticks() const override { return step_ticks_; }
  void step(tick_type now, population_output& out) override;
  input_ring* step_input() override { return &ring_; }
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude_pA,
                   population_output& out) override;
  void set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                          std::span<const double> amplitudes_pA, population_output& out) override;
  void allow_step_ahead(bool allowed) override { step_ahead_allowed_ = allowed; }
  std::vector<std::string> recordables() const override { return {"V_m", "I_syn_ex", "I_syn_in"}; }
  std::string recordable_unit(std::size_t variable) const override { return variable == 0 ? "mV" : "pA"; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

 private:
  // Propagates V over neurons [first, first + count) (first a multiple of
  // simd::psc_exp_block) and appends their blocks with a threshold crossing to
  // crossing_blocks_[crossings, ...), advancing `crossings`.
  void propagate_range(std::size_t first, std::size_t count, std::uint32_t steps_since_base, double threshold,
                       std::size_t& crossings) {
    propagate_range(first, count, steps_since_base, threshold, crossing_blocks_, crossing_lanes_, crossings);
  }
  // The same, listing the blocks in `blocks` and `lanes`.
  void propagate_range(std::size_t first, std::size_t count, std::uint32_t steps_since_base, double threshold,
                       std::vector<std::uint32_t>& blocks, std::vector<std::uint8_t>& lanes,
                       std::size_t& crossings);
  // Steps 1 and 2 of step() for a slot whose input is all staged: each range of
  // input_sums::staged_range_neurons is propagated, rebased if due, and given its
  // input in turn.
  void propagate_with_staged_input(input_sums& staged, double threshold, std::size_t& crossings);
  // The whole of this step and the propagation of the next, range of neurons by
  // range while each is in cache (population::allow_step_ahead), when this step's
  // input is all staged (`staged`) or there is none (nullptr); `deferred`: the last
  // step's staged input, which finish_step_ahead left to this pass, or nullptr. The
  // next step() finishes the next step (finish_step_ahead). Each neuron sees the
  // operations of the step() calls in their order, so the bits are the same.
  void step_and_propagate_ahead(std::uint64_t step_index, input_sums* deferred, input_sums* staged,
                                double threshold, double reset, population_output& out);
  // Steps 2 to 4 of a step whose propagation step_and_propagate_ahead did.
  void finish_step_ahead(std::uint64_t step_index, double threshold, double reset, population_output& out);
  // Brings the currents of neurons [first, first + count) from the base step to the
  // present (every rebase_steps_ steps).
  void rebase_currents(std::size_t first, std::size_t count);
  // Steps since the currents' base after a step taken `k` steps after it: 0 when that
  // step rebases them.
  std::uint32_t steps_since_base_after(std::uint32_t k) const { return k + 1 == rebase_steps_ ? 0 : k + 1; }

  // Parameters.
  iaf_psc_exp_parameters p_;
  tick_type step_ticks_;
  // Derived constants: the exact propagator over one step (Rotter & Diesmann 1999).
  double P22_, P21_ex_, P21_in_, P20_;
  simd::psc_exp_propagate_function propagate_;
  // State: V relative to E_L, as NEST keeps it, to limit cancellation.
  cache_aligned_vector<double> V_rel_mV_, I_stim_pA_;
  // The synaptic currents are kept referred to a base step: k steps later a current
  // is I_base * exp(-k h / tau_syn) (decay_ex_[k], decay_in_[k]), and input arriving
  // then adds weight * exp(k h / tau_syn). The step reads the currents and writes only
  // V (their decay is in its coefficients) instead of writing all three: the step is
  // most of a sparse network's run and bound by its stores (bench/RESULTS.md). Every
  // rebase_steps_ steps the currents are brought to the present so the factors stay
  // within e^8.
  cache_aligned_vector<double> I_ex_base_pA_, I_in_base_pA_;
  std::uint32_t rebase_steps_ = 1, steps_since_base_ = 0;
  std::vector<double> decay_ex_, decay_in_, growth_ex_, growth_in_;  // [0, rebase_steps_]
  bool has_stimulus_ = false;
  // Noise currents (set_noise_currents), added to I_stim; empty until the first.
  cache_aligned_vector<double> I_noise_pA_;
  refractory_hold refractory_;
  // The step's blocks of neurons with a threshold crossing and their lanes (propagate_
  // writes them).
  std::vector<std::uint32_t> crossing_blocks_;
  std::vector<std::uint8_t> crossing_lanes_;
  // Stepping ahead: allowed by the kernel; V is one step ahead of the last step()
  // (finish_step_ahead is due), with that step's crossings in ahead_blocks_ and
  // ahead_lanes_ [0, ahead_crossings_).
  bool step_ahead_allowed_ = false;
  bool stepped_ahead_ = false;
  // The last step's staged input is still in its ring slot, for this step to add first.
  bool deferred_input_ = false;
  std::vector<std::uint32_t> ahead_blocks_;
  std::vector<std::uint8_t> ahead_lanes_;
  std::size_t ahead_crossings_ = 0;
  // Static input added ahead of time, by step.
  input_ring ring_;
  // Input buffer: synaptic input that arrived during the current step.
  input_sums pending_;
};

}  // namespace spikeq
