// Static synaptic input for a time-stepped population, added ahead of time.
//
// When the window's spikes are exchanged, the kernel adds the weights of static
// synapses straight into the slot of the step that will absorb each arrival (the
// step ending at the first multiple of the step length at or after the arrival
// tick), as NEST's ring buffers do; no event is scheduled per delay block. The
// population adds and clears the slot when it steps. Inputs within a slot are
// summed in the exchange order of core/kernel.hpp, the same for any shard count.
//
// Invariants: `slots` exceeds the longest delay plus a window, in steps, so a slot
// is never written for two steps at once.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

class input_ring {
 public:
  // Sized by the kernel before the run; zero slots: not used.
  void resize(std::size_t neurons, std::size_t slots) {
    neurons_ = neurons;
    slots_ = slots;
    sums_.assign(neurons * slots * 2, 0.0);
  }
  bool used() const { return slots_ > 0; }
  std::size_t slots() const { return slots_; }

  // The sums of step `step_index` for one receptor (a span of one value per neuron).
  double* slot(std::uint64_t step_index, receptor_type receptor) {
    return sums_.data() + ((step_index % slots_) * 2 + static_cast<std::size_t>(receptor)) * neurons_;
  }

  // Adds step `step_index`'s sums to the two variables and clears them.
  void drain(std::uint64_t step_index, std::span<double> excitatory, std::span<double> inhibitory) {
    if (slots_ == 0) return;
    double* ex = slot(step_index, receptor_type::excitatory);
    double* in = slot(step_index, receptor_type::inhibitory);
    for (std::size_t n = 0; n < neurons_; ++n) {
      excitatory[n] += ex[n];
      inhibitory[n] += in[n];
      ex[n] = 0.0;
      in[n] = 0.0;
    }
  }

 private:
  std::size_t neurons_ = 0;
  std::size_t slots_ = 0;
  std::vector<double> sums_;  // slot-major, then receptor, then neuron
};

}  // namespace spikeq
