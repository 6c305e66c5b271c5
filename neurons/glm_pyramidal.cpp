#include "neurons/glm_pyramidal.hpp"

#include <cmath>
#include <stdexcept>

#include "neurons/assign_values.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

namespace {

constexpr std::int32_t never_fired = 1 << 30;

std::size_t channel_of(receptor_type r) {
  switch (r) {
    case receptor_type::basal:
      return 0;
    case receptor_type::apical:
      return 1;
    case receptor_type::apical_interneuron:
      return 2;
    default:
      throw std::logic_error("glm_pyramidal takes basal, apical or apical_interneuron input only");
  }
}

}  // namespace

glm_pyramidal::glm_pyramidal(std::string name, neuron_id_type size, const glm_pyramidal_parameters& p,
                             std::vector<double> bias, tick_type step_ticks, std::uint64_t seed,
                             std::uint32_t stream_object)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      log_tau_ref_(std::log(static_cast<double>(p.tau_ref_steps))),
      min_interval_(p.refractoriness == glm_refractoriness::buesing_2011 ? p.tau_ref_steps
                                                                         : p.tau_ref_steps + 1),
      bias_(std::move(bias)),
      I_stim_(size, 0.0),
      u_(bias_),
      u_window_(static_cast<std::size_t>(p.average_steps) * size, 0.0),
      vb_window_(static_cast<std::size_t>(p.average_steps) * size, 0.0),
      u_sum_(size, 0.0),
      vb_sum_(size, 0.0),
      since_spike_(size, never_fired),
      target_(size, nullptr) {
  if (bias_.size() != size) throw std::invalid_argument("glm_pyramidal: one bias per neuron is needed");
  if (p.tau_ref_steps < 1 || p.tau_syn_steps < 1 || p.average_steps < 1 || step_ticks <= 0)
    throw std::invalid_argument(
        "glm_pyramidal: tau_ref, tau_syn, the average window and dt must be >= 1 step");
  for (std::size_t c = 0; c < channels; ++c) {
    history_[c].assign(static_cast<std::size_t>(p.tau_syn_steps) * size, 0.0);
    psp_[c].assign(size, 0.0);
    incoming_[c].assign(size, 0.0);
  }
  streams_.reserve(size);
  for (neuron_id_type n = 0; n < size; ++n)
    streams_.emplace_back(seed, stream_kind::glm_spiking, stream_object, n);
}

double glm_pyramidal::hazard(double u) const { return 1.0 / (1.0 + std::exp(-(u - log_tau_ref_))); }

double glm_pyramidal::setting_at(setting which, double fixed, tick_type now) const {
  const step_series* s = schedule_[static_cast<std::size_t>(which)];
  if (s == nullptr || s->tick.empty() || now < s->tick.front()) return fixed;
  const double v = s->at(now);
  return std::isnan(v) ? fixed : v;
}

void glm_pyramidal::absorb_input(std::uint64_t step_index) {
  const std::size_t n = size();
  const std::size_t slot =
      static_cast<std::size_t>(step_index % static_cast<std::uint64_t>(p_.tau_syn_steps));
  // Running sums over the last tau_syn steps, as glm_sampling's rectangular PSP.
  for (std::size_t c = 0; c < channels; ++c) {
    double* row = history_[c].data() + slot * n;
    for (std::size_t k = 0; k < n; ++k) {
      const double x = incoming_[c][k];
      psp_[c][k] += x - row[k];
      row[k] = x;
      incoming_[c][k] = 0.0;
    }
  }
}

void glm_pyramidal::step(tick_type now, population_output& out) {
  absorb_input(static_cast<std::uint64_t>(now / step_ticks_));
  const double lambda_api = setting_at(setting::apical_coupling, p_.apical_coupling, now);
  const double kappa = setting_at(setting::interneuron_coupling, p_.interneuron_coupling, now);
  const double lambda_nudge = setting_at(setting::nudging, p_.nudging, now);
  const std::size_t n = size();
  const auto window = static_cast<std::uint64_t>(p_.average_steps);
  const std::size_t slot = static_cast<std::size_t>(steps_done_ % window);
  const double averaged = static_cast<double>(std::min<std::uint64_t>(steps_done_, window));
  for (std::size_t k = 0; k < n; ++k) {
    const double v_bas = psp_[0][k];
    double u = bias_[k] + I_stim_[k] + v_bas + lambda_api * (psp_[1][k] + kappa * psp_[2][k]);
    const step_series* tgt = target_[k];
    if (lambda_nudge != 0.0 && tgt != nullptr && !tgt->tick.empty() && now >= tgt->tick.front()) {
      const double vb_avg = averaged > 0.0 ? vb_sum_[k] / averaged : 0.0;
      u += lambda_nudge * (tgt->at(now) - vb_avg - bias_[k]);
    }
    u_[k] = u;
    double& u_old = u_window_[slot * n + k];
    double& vb_old = vb_window_[slot * n + k];
    u_sum_[k] += u - u_old;
    vb_sum_[k] += v_bas - vb_old;
    u_old = u;
    vb_old = v_bas;
    std::int32_t since = since_spike_[k];
    if (since < never_fired) ++since;
    if (since >= min_interval_ && streams_[k].uniform() < hazard(u)) {
      since = 0;
      out.spikes.push_back(static_cast<neuron_id_type>(k));
    }
    since_spike_[k] = since;
  }
  ++steps_done_;
}

double glm_pyramidal::dendritic_error(neuron_id_type n) const {
  const double count =
      static_cast<double>(std::min<std::uint64_t>(steps_done_, static_cast<std::uint64_t>(p_.average_steps)));
  if (count == 0.0) return 0.0;
  return hazard(u_sum_[n] / count) - hazard(vb_sum_[n] / count + bias_[n]);
}

void glm_pyramidal::receive(tick_type /*now*/, receptor_type receptor,
                            std::span<const neuron_id_type> targets, std::span<const weight_type> weights,
                            population_output& /*out*/) {
  std::vector<double>& in = incoming_[channel_of(receptor)];
  for (std::size_t k = 0; k < targets.size(); ++k) in[targets[k]] += weights[k];
}

void glm_pyramidal::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons, double amplitude,
                                population_output& /*out*/) {
  assign_values(I_stim_, neurons, amplitude);
}

void glm_pyramidal::sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
                           std::span<double> values) const {
  const double count = static_cast<double>(std::max<std::uint64_t>(
      1, std::min<std::uint64_t>(steps_done_, static_cast<std::uint64_t>(p_.average_steps))));
  for (std::size_t k = 0; k < neurons.size(); ++k) {
    const auto n = neurons[k];
    switch (variable) {
      case 0:
        values[k] = since_spike_[n] < p_.tau_ref_steps ? 1.0 : 0.0;
        break;
      case 1:
        values[k] = u_[n];
        break;
      case 2:
        values[k] = bias_[n] + psp_[0][n];
        break;
      case 3:
        values[k] = psp_[1][n];
        break;
      case 4:
        values[k] = u_sum_[n] / count;
        break;
      case 5:
        values[k] = vb_sum_[n] / count + bias_[n];
        break;
      default:
        values[k] = target_[n] != nullptr ? target_[n]->at(now) : 0.0;
        break;
    }
  }
}

void glm_pyramidal::state(state_archive& ar) {
  ar.begin_section("glm_pyramidal");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, I_stim_, "neurons");
  state_per_neuron(ar, u_, "neurons");
  for (std::size_t c = 0; c < channels; ++c) {
    ar.expect(history_[c].size(), "PSP history entries");
    ar.block(history_[c]);
    state_per_neuron(ar, psp_[c], "neurons");
    state_per_neuron(ar, incoming_[c], "neurons");
  }
  ar.expect(u_window_.size(), "moving-average entries");
  ar.block(u_window_);
  ar.block(vb_window_);
  state_per_neuron(ar, u_sum_, "neurons");
  state_per_neuron(ar, vb_sum_, "neurons");
  ar.value(steps_done_);
  state_per_neuron(ar, since_spike_, "neurons");
  state_streams(ar, streams_, "random streams");
  ar.end_section();
}

}  // namespace spikeq
