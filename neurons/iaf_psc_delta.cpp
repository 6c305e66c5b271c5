#include "neurons/iaf_psc_delta.hpp"

#include <cmath>

#include "neurons/step_support.hpp"

namespace spikeq {

iaf_psc_delta::iaf_psc_delta(std::string name, neuron_id_type size, const iaf_psc_delta_parameters& p,
                             const iaf_psc_delta_state_init& init, time_grid grid)
    : population(std::move(name), size),
      p_(p),
      grid_(grid),
      R_MOhm_(p.tau_m_ms / p.C_m_pF),
      refractory_ticks_(grid.to_ticks(p.t_ref_ms)),
      V_mV_(init.V_m_mV),
      last_update_(size, 0),
      refractory_until_(size, 0),
      I_stim_pA_(size, 0.0),
      version_(size, 0) {
  decay_.resize(tabulated_ticks);
  for (tick_type k = 0; k < tabulated_ticks; ++k) decay_[k] = std::exp(-grid_.to_ms(k) / p_.tau_m_ms);
}

double iaf_psc_delta::decay(tick_type elapsed) const {
  // The table holds exactly what the expression gives, so results do not change.
  if (elapsed < tabulated_ticks) return decay_[static_cast<std::size_t>(elapsed)];
  return std::exp(-grid_.to_ms(elapsed) / p_.tau_m_ms);
}

double iaf_psc_delta::membrane_potential(neuron_id_type n, tick_type now) const {
  if (now < refractory_until_[n]) return p_.V_reset_mV;
  tick_type from = last_update_[n];
  double V = V_mV_[n];
  if (from < refractory_until_[n]) {
    from = refractory_until_[n];
    V = p_.V_reset_mV;
  }
  if (now == from) return V;
  const double v_inf = V_inf(n);
  return v_inf + (V - v_inf) * decay(now - from);
}

void iaf_psc_delta::advance(neuron_id_type n, tick_type now) {
  if (now <= last_update_[n]) return;
  V_mV_[n] = membrane_potential(n, now);
  last_update_[n] = now;
}

void iaf_psc_delta::fire(neuron_id_type n, tick_type now, population_output& out) {
  out.spikes.push_back(n);
  V_mV_[n] = p_.V_reset_mV;
  last_update_[n] = now;
  refractory_until_[n] = now + refractory_ticks_;
}

void iaf_psc_delta::predict(neuron_id_type n, tick_type now, population_output& out) {
  ++version_[n];  // whatever was predicted before no longer holds
  const double v_inf = V_inf(n);
  if (!(v_inf > p_.V_th_mV)) return;  // relaxes towards a value below threshold
  const tick_type from = std::max(now, refractory_until_[n]);
  const double V0 = membrane_potential(n, from);
  // V(s) = v_inf + (V0 - v_inf) e^{-s/tau_m} reaches V_th at s* = tau_m ln((V0 - v_inf) / (V_th - v_inf)).
  const double s_ms = p_.tau_m_ms * std::log((V0 - v_inf) / (p_.V_th_mV - v_inf));
  tick_type t = from + std::max<tick_type>(0, grid_.to_ticks_ceil(std::max(0.0, s_ms)));
  // The spike falls on the first tick with V >= V_th; correct rounding either way.
  while (t > from && membrane_potential(n, t - 1) >= p_.V_th_mV) --t;
  while (membrane_potential(n, t) < p_.V_th_mV) ++t;
  if (t <= now) t = now + 1;  // V(now) < V_th was checked by the caller
  out.wakeups.push_back({t, n, version_[n]});
}

void iaf_psc_delta::start(population_output& out) {
  for (neuron_id_type n = 0; n < size(); ++n) {
    if (V_mV_[n] >= p_.V_th_mV) {
      fire(n, 0, out);
    }
    predict(n, 0, out);
  }
}

void iaf_psc_delta::receive(tick_type now, receptor_type /*receptor*/,
                            std::span<const neuron_id_type> targets, std::span<const weight_type> weights,
                            population_output& out) {
  for (std::size_t k = 0; k < targets.size(); ++k) {
    const neuron_id_type n = targets[k];
    advance(n, now);
    if (now < refractory_until_[n]) continue;  // NEST discards input while refractory
    V_mV_[n] += weights[k];
    if (V_mV_[n] >= p_.V_th_mV) {
      // Test the threshold after every input of this tick has arrived (a wake-up at
      // the same tick runs after all deliveries): inputs at one tick add up, in any
      // order, as they do within one of NEST's steps.
      out.wakeups.push_back({now, n, ++version_[n]});
    } else {
      predict(n, now, out);
    }
  }
}

void iaf_psc_delta::wakeup(tick_type now, neuron_id_type n, std::uint32_t version, population_output& out) {
  if (version != version_[n]) return;  // superseded by later input
  advance(n, now);
  if (now >= refractory_until_[n] && V_mV_[n] >= p_.V_th_mV) fire(n, now, out);
  predict(n, now, out);
}

template <typename Change>
void iaf_psc_delta::change_current(neuron_id_type n, tick_type now, population_output& out, Change change) {
  advance(n, now);
  change(n);
  predict(n, now, out);
}

void iaf_psc_delta::set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude_pA,
                                population_output& out) {
  auto apply = [&](neuron_id_type n) {
    change_current(n, now, out, [&](neuron_id_type m) { I_stim_pA_[m] = amplitude_pA; });
  };
  if (neurons.empty()) {
    for (neuron_id_type n = 0; n < size(); ++n) apply(n);
  } else {
    for (const auto n : neurons) apply(n);
  }
}

void iaf_psc_delta::set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                                       std::span<const double> amplitudes_pA, population_output& out) {
  if (I_noise_pA_.empty()) I_noise_pA_.assign(size(), 0.0);
  for (std::size_t k = 0; k < neurons.size(); ++k)
    change_current(neurons[k], now, out, [&](neuron_id_type m) { I_noise_pA_[m] = amplitudes_pA[k]; });
}

void iaf_psc_delta::sample(std::size_t /*variable*/, tick_type now, std::span<const neuron_id_type> neurons,
                           std::span<double> values) const {
  for (std::size_t k = 0; k < neurons.size(); ++k) values[k] = membrane_potential(neurons[k], now);
}

void iaf_psc_delta::state(state_archive& ar) {
  ar.begin_section("iaf_psc_delta");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, V_mV_, "neurons");
  state_per_neuron(ar, last_update_, "neurons");
  state_per_neuron(ar, refractory_until_, "neurons");
  state_per_neuron(ar, I_stim_pA_, "neurons");
  state_optional_per_neuron(ar, I_noise_pA_, size(), "noise currents");
  state_per_neuron(ar, version_, "neurons");
  ar.end_section();
}

}  // namespace spikeq
