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

#include "core/input_sums.hpp"
#include "core/types.hpp"

namespace spikeq {

class input_ring {
 public:
  // Sized by the kernel before the run; zero slots: not used.
  void resize(std::size_t neurons, std::size_t slots) {
    slots_.resize(slots);
    for (auto& slot : slots_) slot.resize(neurons);
  }
  bool used() const { return !slots_.empty(); }
  std::size_t slots() const { return slots_.size(); }

  // The input of step `step_index` (the step ending at step_index * step length).
  input_sums& slot(std::uint64_t step_index) { return slots_[step_index % slots_.size()]; }

  // Adds step `step_index`'s sums to the two variables and clears them.
  void drain(std::uint64_t step_index, std::span<double> excitatory, std::span<double> inhibitory) {
    if (slots_.empty()) return;
    slot(step_index).apply_and_clear(excitatory, inhibitory);
  }

  // The pending input of the steps ahead (the kernel sized the ring the same way).
  void state(state_archive& ar) {
    ar.begin_section("input_ring");
    ar.expect(slots_.size(), "slots of an input ring");
    for (auto& slot : slots_) slot.state(ar);
    ar.end_section();
  }

 private:
  std::vector<input_sums> slots_;
};

}  // namespace spikeq
