// Conductance-based leaky integrate-and-fire neuron with exponential conductances
// (NEST iaf_cond_exp), time-stepped. Conductances decay exactly; the membrane uses
// the exponential-Euler step with conductances at the step midpoint.
// Equations and accuracy: docs/models/iaf_cond_exp.md.
#pragma once

#include <vector>

#include "core/cache_aligned_vector.hpp"
#include "core/population.hpp"
#include "core/time_grid.hpp"
#include "neurons/simd/cond_exp_kernel.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

struct iaf_cond_exp_parameters {
  double C_m_pF = 250.0;
  double g_L_nS = 16.6667;
  double E_L_mV = -70.0;
  double E_ex_mV = 0.0;
  double E_in_mV = -85.0;
  double V_th_mV = -55.0;
  double V_reset_mV = -60.0;
  double t_ref_ms = 2.0;
  double tau_syn_ex_ms = 0.2;
  double tau_syn_in_ms = 2.0;
  double I_e_pA = 0.0;
};

struct iaf_cond_exp_state_init {
  std::vector<double> V_m_mV;
  std::vector<double> g_ex_nS;
  std::vector<double> g_in_nS;
};

class iaf_cond_exp final : public population {
 public:
  iaf_cond_exp(std::string name, neuron_id_type size, const iaf_cond_exp_parameters& p,
               const iaf_cond_exp_state_init& init, time_grid grid, tick_type step_ticks);

  std::string_view model() const override { return "iaf_cond_exp"; }
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
  std::vector<std::string> recordables() const override { return {"V_m", "g_ex", "g_in"}; }
  std::string recordable_unit(std::size_t variable) const override { return variable == 0 ? "mV" : "nS"; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

 private:
  iaf_cond_exp_parameters p_;
  tick_type step_ticks_;
  // Derived constants: the step's propagator (conductance decay over the whole and
  // half a step).
  simd::cond_exp_propagator propagator_;
  simd::cond_exp_propagate_function propagate_;
  // State.
  cache_aligned_vector<double> V_mV_, g_ex_nS_, g_in_nS_, I_stim_pA_;
  bool has_stimulus_ = false;
  // Noise currents (set_noise_currents), added to I_stim; empty until the first.
  cache_aligned_vector<double> I_noise_pA_;
  refractory_list refractory_;
  // The step's blocks of neurons with a threshold crossing (propagate_ writes them).
  std::vector<std::uint32_t> crossing_blocks_;
  // Static input added ahead of time, by step.
  input_ring ring_;
  // Input buffer: conductance jumps that arrived during the current step.
  pending_inputs pending_;
};

}  // namespace spikeq
