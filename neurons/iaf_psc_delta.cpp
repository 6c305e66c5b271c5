#include "neurons/iaf_psc_delta.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "neurons/step_support.hpp"

namespace spikeq {

namespace {

std::uint32_t refractory_ticks(const iaf_psc_delta_parameters& p, const time_grid& grid) {
  const tick_type ticks = grid.to_ticks(p.t_ref_ms);
  if (ticks < 0 || ticks > tick_type{UINT32_MAX})
    throw std::invalid_argument("iaf_psc_delta: t_ref = " + std::to_string(p.t_ref_ms) +
                                " ms is outside [0, 2^32) resolution steps");
  return static_cast<std::uint32_t>(ticks);
}

}  // namespace

iaf_psc_delta::iaf_psc_delta(std::string name, neuron_id_type size, const iaf_psc_delta_parameters& p,
                             const iaf_psc_delta_state_init& init, time_grid grid)
    : population(std::move(name), size),
      p_(p),
      grid_(grid),
      R_MOhm_(p.tau_m_ms / p.C_m_pF),
      refractory_ticks_(refractory_ticks(p, grid)),
      hot_(size),
      I_stim_pA_(size, 0.0) {
  decay_.resize(tabulated_ticks);
  for (tick_type k = 0; k < tabulated_ticks; ++k) decay_[k] = std::exp(-grid_.to_ms(k) / p_.tau_m_ms);
  for (neuron_id_type n = 0; n < size; ++n) {
    hot_[n] = {init.V_m_mV.at(n), 0.0, 0, 0, 0};
    update_V_inf(n);
  }
}

void iaf_psc_delta::update_V_inf(neuron_id_type n) {
  const double noise = I_noise_pA_.empty() ? 0.0 : I_noise_pA_[n];
  hot_[n].V_inf_mV = p_.E_L_mV + R_MOhm_ * (p_.I_e_pA + I_stim_pA_[n] + noise);
}

double iaf_psc_delta::decay(tick_type elapsed) const {
  // The table holds exactly what the expression gives, so results do not change.
  if (elapsed < tabulated_ticks) return decay_[static_cast<std::size_t>(elapsed)];
  return std::exp(-grid_.to_ms(elapsed) / p_.tau_m_ms);
}

double iaf_psc_delta::potential(const hot_state& s, tick_type now) const {
  const tick_type refractory_until = s.refractory_until();
  if (now < refractory_until) return p_.V_reset_mV;
  tick_type from = s.last_update;
  double V = s.V_mV;
  if (from < refractory_until) {
    from = refractory_until;
    V = p_.V_reset_mV;
  }
  if (now == from) return V;
  return s.V_inf_mV + (V - s.V_inf_mV) * decay(now - from);
}

double iaf_psc_delta::membrane_potential(neuron_id_type n, tick_type now) const {
  return potential(hot_[n], now);
}

void iaf_psc_delta::advance(hot_state& s, tick_type now) const {
  if (now <= s.last_update) return;
  const tick_type refractory_until = s.refractory_until();
  s.V_mV = potential(s, now);
  s.refractory_ticks_left = now < refractory_until ? static_cast<std::uint32_t>(refractory_until - now) : 0;
  s.last_update = now;
}

void iaf_psc_delta::fire(neuron_id_type n, tick_type now, population_output& out) {
  out.spikes.push_back(n);
  hot_state& s = hot_[n];
  s.V_mV = p_.V_reset_mV;
  s.last_update = now;
  s.refractory_ticks_left = refractory_ticks_;
}

void iaf_psc_delta::predict(neuron_id_type n, tick_type now, population_output& out) {
  hot_state& s = hot_[n];
  ++s.version;  // whatever was predicted before no longer holds
  if (s.V_inf_mV > p_.V_th_mV) schedule_crossing(n, now, out);
  // otherwise V relaxes towards a value below threshold
}

void iaf_psc_delta::schedule_crossing(neuron_id_type n, tick_type now, population_output& out) {
  const hot_state& s = hot_[n];
  const double v_inf = s.V_inf_mV;
  const tick_type from = std::max(now, s.refractory_until());
  const double V0 = potential(s, from);
  // V(s) = v_inf + (V0 - v_inf) e^{-s/tau_m} reaches V_th at s* = tau_m ln((V0 - v_inf) / (V_th - v_inf)).
  const double s_ms = p_.tau_m_ms * std::log((V0 - v_inf) / (p_.V_th_mV - v_inf));
  tick_type t = from + std::max<tick_type>(0, grid_.to_ticks_ceil(std::max(0.0, s_ms)));
  // The spike falls on the first tick with V >= V_th; correct rounding either way.
  while (t > from && potential(s, t - 1) >= p_.V_th_mV) --t;
  while (potential(s, t) < p_.V_th_mV) ++t;
  if (t <= now) t = now + 1;  // V(now) < V_th was checked by the caller
  out.wakeups.push_back({t, n, s.version});
}

void iaf_psc_delta::start(population_output& out) {
  for (neuron_id_type n = 0; n < size(); ++n) {
    if (hot_[n].V_mV >= p_.V_th_mV) {
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
    hot_state& s = hot_[n];
    advance(s, now);
    if (s.refractory_ticks_left > 0) continue;  // NEST discards input while refractory
    s.V_mV += weights[k];
    if (s.V_mV >= p_.V_th_mV) {
      // Test the threshold after every input of this tick has arrived (a wake-up at
      // the same tick runs after all deliveries): inputs at one tick add up, in any
      // order, as they do within one of NEST's steps.
      out.wakeups.push_back({now, n, ++s.version});
    } else {
      predict(n, now, out);
    }
  }
}

void iaf_psc_delta::wakeup(tick_type now, neuron_id_type n, std::uint32_t version, population_output& out) {
  hot_state& s = hot_[n];
  if (version != s.version) return;  // superseded by later input
  advance(s, now);
  if (s.refractory_ticks_left == 0 && s.V_mV >= p_.V_th_mV) fire(n, now, out);
  predict(n, now, out);
}

template <typename Change>
void iaf_psc_delta::change_current(neuron_id_type n, tick_type now, population_output& out, Change change) {
  advance(hot_[n], now);
  change(n);
  update_V_inf(n);
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

// The archive keeps one array per variable (docs/formats/checkpoint.md), whatever
// the layout in memory.
void iaf_psc_delta::state(state_archive& ar) {
  std::vector<double> V_mV(size());
  std::vector<tick_type> last_update(size()), refractory_until(size());
  std::vector<std::uint32_t> version(size());
  for (neuron_id_type n = 0; n < size(); ++n) {
    V_mV[n] = hot_[n].V_mV;
    last_update[n] = hot_[n].last_update;
    refractory_until[n] = hot_[n].refractory_until();
    version[n] = hot_[n].version;
  }
  ar.begin_section("iaf_psc_delta");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, V_mV, "neurons");
  state_per_neuron(ar, last_update, "neurons");
  state_per_neuron(ar, refractory_until, "neurons");
  state_per_neuron(ar, I_stim_pA_, "neurons");
  state_optional_per_neuron(ar, I_noise_pA_, size(), "noise currents");
  state_per_neuron(ar, version, "neurons");
  if (ar.loading()) {
    for (neuron_id_type n = 0; n < size(); ++n) {
      const tick_type left = refractory_until[n] - last_update[n];
      if (left > tick_type{refractory_ticks_}) ar.fail("a neuron is refractory for longer than t_ref");
      hot_[n] = {V_mV[n], 0.0, last_update[n], static_cast<std::uint32_t>(std::max<tick_type>(0, left)),
                 version[n]};
      update_V_inf(n);
    }
  }
  ar.end_section();
}

}  // namespace spikeq
