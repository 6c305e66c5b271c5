#include "neurons/linear_readout.hpp"

#include <cmath>

#include "neurons/step_support.hpp"

namespace spikeq {

linear_readout::linear_readout(std::string name, neuron_id_type size, double tau_r_ms, double ms_per_tick)
    : population(std::move(name), size),
      tau_r_ms_(tau_r_ms),
      inv_tau_ticks_(ms_per_tick / tau_r_ms),
      y_(size, 0.0),
      last_(size, 0),
      targets_(size, nullptr) {}

double linear_readout::output(neuron_id_type k, tick_type now) const {
  return y_[k] * std::exp(-static_cast<double>(now - last_[k]) * inv_tau_ticks_);
}

double linear_readout::target(neuron_id_type k, tick_type now) const {
  return targets_[k] == nullptr ? 0.0 : targets_[k]->at(now);
}

void linear_readout::add_to_output(neuron_id_type k, tick_type now, double delta) {
  y_[k] = output(k, now) + delta;
  last_[k] = now;
}

void linear_readout::receive(tick_type now, receptor_type /*receptor*/,
                             std::span<const neuron_id_type> targets, std::span<const weight_type> weights,
                             population_output& /*out*/) {
  for (std::size_t i = 0; i < targets.size(); ++i) add_to_output(targets[i], now, weights[i]);
}

void linear_readout::set_current(tick_type /*now*/, std::span<const neuron_id_type> /*neurons*/,
                                 double /*amplitude*/, population_output& /*out*/) {}

void linear_readout::sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
                            std::span<double> values) const {
  for (std::size_t i = 0; i < neurons.size(); ++i) {
    const neuron_id_type k = neurons[i];
    switch (variable) {
      case 0:
        values[i] = output(k, now);
        break;
      case 1:
        values[i] = target(k, now);
        break;
      default:
        values[i] = target(k, now) - output(k, now);
    }
  }
}

void linear_readout::state(state_archive& ar) {
  ar.begin_section("linear_readout");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, y_, "readouts");
  state_per_neuron(ar, last_, "readouts");
  trial_errors_.state(ar);
  ar.end_section();
}

}  // namespace spikeq
