#include "neurons/pp_psc_delta.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "neurons/assign_values.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

pp_psc_delta::pp_psc_delta(std::string name, neuron_id_type size, const pp_psc_delta_parameters& p,
                           std::vector<double> V_m_mV, time_grid grid, tick_type step_ticks,
                           std::uint64_t seed, std::uint32_t stream_object, neuron_id_type first_neuron)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      h_ms_(grid.to_ms(step_ticks)),
      V_mV_(std::move(V_m_mV)),
      E_sfa_mV_(size, 0.0),
      q_elems_(p.tau_sfa_ms.size() * size, 0.0),
      I_stim_pA_(size, 0.0),
      in_ex_(size, 0.0),
      in_in_(size, 0.0) {
  if (V_mV_.size() != size) throw std::invalid_argument("pp_psc_delta: one initial V_m per neuron is needed");
  if (p.tau_sfa_ms.size() != p.q_sfa_mV.size())
    throw std::invalid_argument("pp_psc_delta: tau_sfa and q_sfa need the same number of values");
  if (step_ticks <= 0) throw std::invalid_argument("pp_psc_delta: the step must be at least one tick");
  P33_ = std::exp(-h_ms_ / p.tau_m_ms);
  P30_ = 1.0 / p.C_m_pF * (1.0 - P33_) * p.tau_m_ms;
  for (const double tau : p.tau_sfa_ms) Q33_.push_back(std::exp(-h_ms_ / tau));
  // NEST: a dead time shorter than one step (but not 0) lasts one step.
  if (p_.dead_time_ms != 0.0 && p_.dead_time_ms < h_ms_) p_.dead_time_ms = h_ms_;
  dead_steps_ = static_cast<std::int32_t>(std::llround(p_.dead_time_ms / h_ms_));
  dead_left_.assign(size, static_cast<std::int32_t>(std::llround(p.t_ref_remaining_ms / h_ms_)));
  pending_.resize(size);
  streams_.reserve(size);
  for (neuron_id_type n = 0; n < size; ++n)
    streams_.emplace_back(seed, stream_kind::escape_noise, stream_object, first_neuron + n);
}

std::uint32_t pp_psc_delta::draw_spikes(std::size_t k, double rate_Hz) {
  const double mean = rate_Hz * h_ms_ * 1e-3;
  if (p_.dead_time_ms > 0.0) return streams_[k].uniform() <= -std::expm1(-mean) ? 1 : 0;
  // No dead time: a Poisson number of spikes, counted as the arrivals of a unit-rate
  // process in [0, mean).
  std::uint32_t count = 0;
  for (double t = streams_[k].exponential(1.0); t < mean; t += streams_[k].exponential(1.0)) ++count;
  return count;
}

std::int32_t pp_psc_delta::draw_dead_time(std::size_t k) {
  if (!p_.dead_time_random) return dead_steps_;
  // Gamma with integer shape k and mean dead_time: a sum of k exponentials of mean
  // dead_time / k, rounded to whole steps.
  const double mean_each = p_.dead_time_ms / p_.dead_time_shape;
  double t = 0.0;
  for (std::uint32_t j = 0; j < p_.dead_time_shape; ++j) t += streams_[k].exponential(mean_each);
  return static_cast<std::int32_t>(std::llround(std::min(t / h_ms_, 2e9)));  // a far tail stays in range
}

void pp_psc_delta::step(tick_type now, population_output& out) {
  pending_.apply_and_clear(in_ex_, in_in_);
  ring_.drain(static_cast<std::uint64_t>(now / step_ticks_), in_ex_, in_in_);
  const std::size_t n = size();
  const std::size_t elements = Q33_.size();
  const bool noise = !I_noise_pA_.empty();
  for (std::size_t k = 0; k < n; ++k) {
    // NEST's order: V over the step with the current of the previous step, plus the
    // input of this step; then the adaptation decays; then the hazard.
    double I = I_stim_pA_[k];
    if (noise) I += I_noise_pA_[k];
    double V = P30_ * (I + p_.I_e_pA) + P33_ * V_mV_[k] + (in_ex_[k] + in_in_[k]);
    in_ex_[k] = 0.0;
    in_in_[k] = 0.0;
    double E = 0.0;
    for (std::size_t i = 0; i < elements; ++i) {
      double& q = q_elems_[i * n + k];
      q *= Q33_[i];
      E += q;
    }
    E_sfa_mV_[k] = E;
    if (dead_left_[k] == 0) {
      const double V_eff = V - E;
      const double rate = p_.c_1 * V_eff + p_.c_2 * std::exp(p_.c_3 * V_eff);
      if (rate > 0.0) {
        const std::uint32_t spikes = draw_spikes(k, rate);
        if (spikes > 0) {
          dead_left_[k] = draw_dead_time(k);
          for (std::size_t i = 0; i < elements; ++i) q_elems_[i * n + k] += p_.q_sfa_mV[i] * spikes;
          for (std::uint32_t s = 0; s < spikes; ++s) out.spikes.push_back(static_cast<neuron_id_type>(k));
          if (p_.with_reset) V = 0.0;
        }
      }
    } else {
      --dead_left_[k];
    }
    V_mV_[k] = V;
  }
}

void pp_psc_delta::receive(tick_type /*now*/, receptor_type receptor, std::span<const neuron_id_type> targets,
                           std::span<const weight_type> weights, population_output& /*out*/) {
  pending_.add(receptor, targets, weights, 0);
}

void pp_psc_delta::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                               double amplitude_pA, population_output& /*out*/) {
  assign_values(I_stim_pA_, neurons, amplitude_pA);
}

void pp_psc_delta::set_noise_currents(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                                      std::span<const double> amplitudes_pA, population_output& /*out*/) {
  if (I_noise_pA_.empty()) I_noise_pA_.assign(size(), 0.0);
  for (std::size_t k = 0; k < neurons.size(); ++k) I_noise_pA_[neurons[k]] = amplitudes_pA[k];
}

void pp_psc_delta::sample(std::size_t variable, tick_type /*now*/, std::span<const neuron_id_type> neurons,
                          std::span<double> values) const {
  const std::vector<double>& source = variable == 0 ? V_mV_ : E_sfa_mV_;
  for (std::size_t k = 0; k < neurons.size(); ++k) values[k] = source[neurons[k]];
}

void pp_psc_delta::state(state_archive& ar) {
  ar.begin_section("pp_psc_delta");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, V_mV_, "neurons");
  state_per_neuron(ar, E_sfa_mV_, "neurons");
  ar.expect(q_elems_.size(), "adaptation elements");
  ar.block(q_elems_);
  state_per_neuron(ar, dead_left_, "neurons");
  state_per_neuron(ar, I_stim_pA_, "neurons");
  state_optional_per_neuron(ar, I_noise_pA_, size(), "noise currents");
  ar.block(in_ex_);
  ar.block(in_in_);
  ring_.state(ar);
  pending_.state(ar);
  state_streams(ar, streams_, "random streams");
  ar.end_section();
}

}  // namespace spikeq
