// What an error-driven rule needs from the neurons it trains (rules.md §5.6): each
// neuron's output y_k(t) = sum_j W_kj r_j(t), its teacher signal y*_k(t), and a way
// to keep y_k consistent when the rule changes a weight W_kj by dW (y_k += dW r_j).
// Implemented by non-spiking readouts (neurons/linear_readout.hpp); later by any
// population that exposes per-neuron error signals (HLOP, SAL).
#pragma once

#include "core/trial_errors.hpp"
#include "core/types.hpp"

namespace spikeq {

class readout_signal {
 public:
  virtual ~readout_signal() = default;
  // Decay time constant of the presynaptic traces r_j, in ms.
  virtual double trace_tau_ms() const = 0;
  virtual double output(neuron_id_type k, tick_type now) const = 0;
  virtual double target(neuron_id_type k, tick_type now) const = 0;
  virtual void add_to_output(neuron_id_type k, tick_type now, double delta) = 0;
  // Per-trial mean errors, published by the readout's rule for hidden layers
  // trained by feedback alignment (inactive unless such a layer reserved it).
  virtual trial_error_table& trial_errors() = 0;
};

}  // namespace spikeq
