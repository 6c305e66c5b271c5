#include "neurons/iaf_cond_exp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "neurons/assign_values.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

iaf_cond_exp::iaf_cond_exp(std::string name, neuron_id_type size, const iaf_cond_exp_parameters& p,
                           const iaf_cond_exp_state_init& init, time_grid grid, tick_type step_ticks)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      propagate_(simd::select_cond_exp_propagate()),
      V_mV_(init.V_m_mV.begin(), init.V_m_mV.end()),
      g_ex_nS_(init.g_ex_nS.begin(), init.g_ex_nS.end()),
      g_in_nS_(init.g_in_nS.begin(), init.g_in_nS.end()),
      I_stim_pA_(size, 0.0),
      refractory_(static_cast<std::int32_t>(std::llround(p.t_ref_ms / grid.to_ms(step_ticks)))),
      crossing_blocks_(size / simd::cond_exp_block + 1) {
  // The threshold test relies on it (step): a clamped neuron never crosses.
  if (!(p.V_reset_mV < p.V_th_mV)) throw std::invalid_argument("iaf_cond_exp: V_reset must be below V_th");
  const double h = grid.to_ms(step_ticks);
  propagator_ = {p.g_L_nS,
                 p.g_L_nS * p.E_L_mV,
                 p.E_ex_mV,
                 p.E_in_mV,
                 p.I_e_pA,
                 h / p.C_m_pF,
                 std::exp(-0.5 * h / p.tau_syn_ex_ms),
                 std::exp(-0.5 * h / p.tau_syn_in_ms),
                 std::exp(-h / p.tau_syn_ex_ms),
                 std::exp(-h / p.tau_syn_in_ms)};
}

void iaf_cond_exp::step(tick_type now, population_output& out) {
  const auto step_index = static_cast<std::uint64_t>(now / step_ticks_);
  // The step's static input, when dense and alone, is added in the propagation's own
  // pass (cond_exp_kernel.hpp); otherwise after it, event-driven input first.
  input_sums* fused = ring_.used() && pending_.empty() ? &ring_.slot(step_index) : nullptr;
  if (fused != nullptr && !fused->dense()) fused = nullptr;
  // 1. Exponential Euler for V with the conductances frozen at their step-midpoint
  //    values (exact for constant conductances, second order overall); the
  //    conductances decay exactly.
  //    The kernel also lists the blocks of neurons in which V reached the threshold.
  const std::size_t crossings = propagate_(
      size(), propagator_, V_mV_.data(), g_ex_nS_.data(), g_in_nS_.data(),
      has_stimulus_ ? I_stim_pA_.data() : nullptr, I_noise_pA_.empty() ? nullptr : I_noise_pA_.data(),
      fused != nullptr ? fused->sums(receptor_type::excitatory) : nullptr,
      fused != nullptr ? fused->sums(receptor_type::inhibitory) : nullptr, p_.V_th_mV,
      crossing_blocks_.data());
  // 2. Refractory neurons stay at V_reset.
  refractory_.clamp(V_mV_, p_.V_reset_mV);
  // 3. Conductance jumps of the input that arrived during the step.
  if (fused != nullptr) {
    fused->dense_applied();
  } else {
    pending_.apply_and_clear(g_ex_nS_, g_in_nS_);
    ring_.drain(step_index, g_ex_nS_, g_in_nS_);
  }
  // 4. Threshold.
  fire_listed_blocks(V_mV_, {crossing_blocks_.data(), crossings}, simd::cond_exp_block, p_.V_th_mV,
                     p_.V_reset_mV, refractory_, out);
}

void iaf_cond_exp::receive(tick_type /*now*/, receptor_type receptor, std::span<const neuron_id_type> targets,
                           std::span<const weight_type> weights, population_output& /*out*/) {
  pending_.add(receptor, targets, weights);
}

void iaf_cond_exp::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                               double amplitude_pA, population_output& /*out*/) {
  has_stimulus_ = true;
  assign_values(I_stim_pA_, neurons, amplitude_pA);
}

void iaf_cond_exp::set_noise_currents(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                                      std::span<const double> amplitudes_pA, population_output& /*out*/) {
  if (I_noise_pA_.empty()) I_noise_pA_.assign(size(), 0.0);
  for (std::size_t k = 0; k < neurons.size(); ++k) I_noise_pA_[neurons[k]] = amplitudes_pA[k];
}

void iaf_cond_exp::sample(std::size_t variable, tick_type /*now*/, std::span<const neuron_id_type> neurons,
                          std::span<double> values) const {
  const cache_aligned_vector<double>& source = variable == 0 ? V_mV_ : variable == 1 ? g_ex_nS_ : g_in_nS_;
  for (std::size_t k = 0; k < neurons.size(); ++k) values[k] = source[neurons[k]];
}

void iaf_cond_exp::state(state_archive& ar) {
  ar.begin_section("iaf_cond_exp");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, V_mV_, "neurons");
  state_per_neuron(ar, g_ex_nS_, "neurons");
  state_per_neuron(ar, g_in_nS_, "neurons");
  state_per_neuron(ar, I_stim_pA_, "neurons");
  ar.value(has_stimulus_);
  state_optional_per_neuron(ar, I_noise_pA_, size(), "noise currents");
  refractory_.state(ar, size());
  ring_.state(ar);
  pending_.state(ar, size());
  ar.end_section();
}

}  // namespace spikeq
