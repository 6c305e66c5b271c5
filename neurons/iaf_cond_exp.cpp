#include "neurons/iaf_cond_exp.hpp"

#include <cmath>

#include "neurons/assign_values.hpp"

namespace spikeq {

iaf_cond_exp::iaf_cond_exp(std::string name, neuron_id_type size, const iaf_cond_exp_parameters& p,
                           const iaf_cond_exp_state_init& init, time_grid grid, tick_type step_ticks)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      h_ms_(grid.to_ms(step_ticks)),
      V_mV_(init.V_m_mV),
      g_ex_nS_(init.g_ex_nS),
      g_in_nS_(init.g_in_nS),
      I_stim_pA_(size, 0.0),
      refractory_left_(size, 0),
      input_ex_nS_(size, 0.0),
      input_in_nS_(size, 0.0) {
  decay_ex_ = std::exp(-h_ms_ / p.tau_syn_ex_ms);
  decay_in_ = std::exp(-h_ms_ / p.tau_syn_in_ms);
  half_decay_ex_ = std::exp(-0.5 * h_ms_ / p.tau_syn_ex_ms);
  half_decay_in_ = std::exp(-0.5 * h_ms_ / p.tau_syn_in_ms);
  refractory_steps_ = static_cast<std::int32_t>(std::llround(p.t_ref_ms / h_ms_));
}

void iaf_cond_exp::step(tick_type /*now*/, population_output& out) {
  const std::size_t n = size();
  const double h_over_C = h_ms_ / p_.C_m_pF;
  double* V = V_mV_.data();
  double* g_ex = g_ex_nS_.data();
  double* g_in = g_in_nS_.data();
  double* in_ex = input_ex_nS_.data();
  double* in_in = input_in_nS_.data();
  const double* I_stim = I_stim_pA_.data();
  std::int32_t* refr = refractory_left_.data();
  for (std::size_t k = 0; k < n; ++k) {
    // Exponential Euler with the conductances frozen at their step-midpoint values:
    // exact for the membrane given those conductances, second order overall.
    const double ge = g_ex[k] * half_decay_ex_;
    const double gi = g_in[k] * half_decay_in_;
    const double g_total = p_.g_L_nS + ge + gi;
    const double V_inf =
        (p_.g_L_nS * p_.E_L_mV + ge * p_.E_ex_mV + gi * p_.E_in_mV + p_.I_e_pA + I_stim[k]) / g_total;
    const double V_free = V_inf + (V[k] - V_inf) * std::exp(-h_over_C * g_total);
    const bool refractory = refr[k] > 0;
    V[k] = refractory ? p_.V_reset_mV : V_free;
    refr[k] = refractory ? refr[k] - 1 : 0;
    g_ex[k] = g_ex[k] * decay_ex_ + in_ex[k];
    g_in[k] = g_in[k] * decay_in_ + in_in[k];
    in_ex[k] = 0.0;
    in_in[k] = 0.0;
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (V[k] >= p_.V_th_mV) {
      V[k] = p_.V_reset_mV;
      refr[k] = refractory_steps_;
      out.spikes.push_back(static_cast<neuron_id_type>(k));
    }
  }
}

void iaf_cond_exp::receive(tick_type /*now*/, receptor_type receptor, std::span<const neuron_id_type> targets,
                           std::span<const weight_type> weights, population_output& /*out*/) {
  double* in = receptor == receptor_type::excitatory ? input_ex_nS_.data() : input_in_nS_.data();
  for (std::size_t k = 0; k < targets.size(); ++k) in[targets[k]] += weights[k];
}

void iaf_cond_exp::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                               double amplitude_pA, population_output& /*out*/) {
  assign_values(I_stim_pA_, neurons, amplitude_pA);
}

void iaf_cond_exp::sample(std::size_t variable, tick_type /*now*/, std::span<const neuron_id_type> neurons,
                          std::span<double> values) const {
  const std::vector<double>& source = variable == 0 ? V_mV_ : variable == 1 ? g_ex_nS_ : g_in_nS_;
  for (std::size_t k = 0; k < neurons.size(); ++k) values[k] = source[neurons[k]];
}

}  // namespace spikeq
