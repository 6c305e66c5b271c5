#include "neurons/glm_sampling.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "neurons/assign_values.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

namespace {

// since_spike_ of a neuron that has not fired yet; counting stops here.
constexpr std::int32_t never_fired = 1 << 30;

}  // namespace

std::vector<double> glm_psp_kernel(const glm_sampling_parameters& p) {
  if (p.psp == glm_psp_shape::rectangular) {
    const auto length = static_cast<std::size_t>(std::max<long long>(1, std::llround(p.tau_syn_steps)));
    return std::vector<double>(length, 1.0);
  }
  std::vector<double> kernel(static_cast<std::size_t>(std::max(1, p.psp_length_steps)));
  const double scale = p.tau_ref_steps / (p.tau_syn_steps * p.tau_syn_steps);
  for (std::size_t j = 0; j < kernel.size(); ++j) {
    const double t = static_cast<double>(j);
    kernel[j] = scale * t * std::exp(-t / p.tau_syn_steps);
  }
  return kernel;
}

glm_sampling::glm_sampling(std::string name, neuron_id_type size, const glm_sampling_parameters& p,
                           std::vector<double> bias, tick_type step_ticks, std::uint64_t seed,
                           std::uint32_t stream_object, neuron_id_type first_neuron)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      log_tau_ref_(std::log(static_cast<double>(p.tau_ref_steps))),
      min_interval_(p.refractoriness == glm_refractoriness::buesing_2011 ? p.tau_ref_steps
                                                                         : p.tau_ref_steps + 1),
      kernel_(glm_psp_kernel(p)),
      bias_(std::move(bias)),
      I_stim_(size, 0.0),
      u_(bias_),
      psp_(size, 0.0),
      since_spike_(size, never_fired),
      history_(kernel_.size() * size, 0.0),
      in_ex_(size, 0.0),
      in_in_(size, 0.0) {
  if (bias_.size() != size) throw std::invalid_argument("glm_sampling: one bias per neuron is needed");
  if (p.tau_ref_steps < 1 || step_ticks <= 0)
    throw std::invalid_argument("glm_sampling: tau_ref and the step must be at least one step / tick");
  pending_.resize(size);
  streams_.reserve(size);
  for (neuron_id_type n = 0; n < size; ++n)
    streams_.emplace_back(seed, stream_kind::glm_spiking, stream_object, first_neuron + n);
}

void glm_sampling::absorb_input(std::uint64_t step_index) {
  pending_.apply_and_clear(in_ex_, in_in_);
  ring_.drain(step_index, in_ex_, in_in_);
  const std::size_t n = size();
  const std::size_t length = kernel_.size();
  const std::size_t slot = static_cast<std::size_t>(step_index % length);
  double* row = history_.data() + slot * n;
  if (p_.psp == glm_psp_shape::rectangular) {
    // Running sum over the last tau_syn steps: this step's input enters, the input
    // of tau_syn steps ago (held in the slot being reused) leaves. Sums of float
    // weights are exact in double unless their magnitudes differ by > 2^29, so the
    // sum returns exactly to 0 when the PSPs end.
    for (std::size_t k = 0; k < n; ++k) {
      const double x = in_ex_[k] + in_in_[k];
      psp_[k] += x;
      psp_[k] -= row[k];
      row[k] = x;
      in_ex_[k] = 0.0;
      in_in_[k] = 0.0;
    }
    return;
  }
  for (std::size_t k = 0; k < n; ++k) {
    row[k] = in_ex_[k] + in_in_[k];
    in_ex_[k] = 0.0;
    in_in_[k] = 0.0;
    psp_[k] = 0.0;
  }
  // psp = sum_j kappa[j] * input(step - j), j ascending.
  for (std::size_t j = 0; j < length; ++j) {
    const double c = kernel_[j];
    if (c == 0.0) continue;
    const double* past = history_.data() + ((slot + length - j) % length) * n;
    for (std::size_t k = 0; k < n; ++k) psp_[k] += c * past[k];
  }
}

void glm_sampling::step(tick_type now, population_output& out) {
  absorb_input(static_cast<std::uint64_t>(now / step_ticks_));
  const bool noise = !I_noise_.empty();
  const std::size_t n = size();
  for (std::size_t k = 0; k < n; ++k) {
    double u = bias_[k] + psp_[k] + I_stim_[k];
    if (noise) u += I_noise_[k];
    u_[k] = u;
    std::int32_t since = since_spike_[k];
    if (since < never_fired) ++since;
    if (since >= min_interval_) {
      // sigma(u - ln tau_ref), written as the paper code's logistic.
      const double p = 1.0 / (1.0 + std::exp(-(u - log_tau_ref_)));
      if (streams_[k].uniform() < p) {
        since = 0;
        out.spikes.push_back(static_cast<neuron_id_type>(k));
      }
    }
    since_spike_[k] = since;
  }
}

void glm_sampling::receive(tick_type /*now*/, receptor_type receptor, std::span<const neuron_id_type> targets,
                           std::span<const weight_type> weights, population_output& /*out*/) {
  pending_.add(receptor, targets, weights, 0);
}

void glm_sampling::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons, double amplitude,
                               population_output& /*out*/) {
  assign_values(I_stim_, neurons, amplitude);
}

void glm_sampling::set_noise_currents(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                                      std::span<const double> amplitudes, population_output& /*out*/) {
  if (I_noise_.empty()) I_noise_.assign(size(), 0.0);
  for (std::size_t k = 0; k < neurons.size(); ++k) I_noise_[neurons[k]] = amplitudes[k];
}

void glm_sampling::sample(std::size_t variable, tick_type /*now*/, std::span<const neuron_id_type> neurons,
                          std::span<double> values) const {
  for (std::size_t k = 0; k < neurons.size(); ++k) {
    const auto n = neurons[k];
    switch (variable) {
      case 0:
        values[k] = since_spike_[n] < p_.tau_ref_steps ? 1.0 : 0.0;
        break;
      case 1:
        values[k] = u_[n];
        break;
      default:
        values[k] = bias_[n];
        break;
    }
  }
}

void glm_sampling::state(state_archive& ar) {
  ar.begin_section("glm_sampling");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, bias_, "neurons");
  state_per_neuron(ar, I_stim_, "neurons");
  state_optional_per_neuron(ar, I_noise_, size(), "noise currents");
  state_per_neuron(ar, u_, "neurons");
  state_per_neuron(ar, psp_, "neurons");
  state_per_neuron(ar, since_spike_, "neurons");
  ar.expect(history_.size(), "PSP history entries");
  ar.block(history_);
  ar.block(in_ex_);
  ar.block(in_in_);
  ring_.state(ar);
  pending_.state(ar);
  state_streams(ar, streams_, "random streams");
  ar.end_section();
}

}  // namespace spikeq
