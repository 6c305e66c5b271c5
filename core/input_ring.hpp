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

  // The slots of arrivals in non-decreasing order, found without a division per
  // arrival (a spike's blocks come sorted by delay; microcircuit blocks hold one or
  // two synapses, so per-block work counts).
  class cursor {
   public:
    // The slot of the step absorbing input that arrives at `arrival`.
    // REQUIRES: arrival >= the previous call's (or the first arrival's).
    input_sums& slot_for(tick_type arrival) {
      while (step_end_ < arrival) {
        step_end_ += step_ticks_;
        if (++position_ == slots_.size()) position_ = 0;
      }
      return slots_[position_];
    }

   private:
    friend class input_ring;
    cursor(std::vector<input_sums>& slots, tick_type step_ticks, tick_type first_arrival)
        : slots_(slots), step_ticks_(step_ticks) {
      // Input arriving at tick t belongs to the step (T - dt, T] with T the first step
      // end at or after t, as a delivery event at t would.
      const auto step_index = static_cast<std::uint64_t>((first_arrival + step_ticks - 1) / step_ticks);
      step_end_ = static_cast<tick_type>(step_index) * step_ticks;
      position_ = step_index % slots.size();
    }
    std::vector<input_sums>& slots_;
    tick_type step_ticks_;
    tick_type step_end_;
    std::size_t position_;
  };
  // REQUIRES: used(); first_arrival >= 0.
  cursor cursor_from(tick_type first_arrival, tick_type step_ticks) {
    return {slots_, step_ticks, first_arrival};
  }

  // Adds step `step_index`'s sums (times the scales: input_sums::apply_and_clear) to
  // the two variables and clears them.
  void drain(std::uint64_t step_index, std::span<double> excitatory, std::span<double> inhibitory,
             double scale_ex = 1.0, double scale_in = 1.0) {
    if (slots_.empty()) return;
    input_sums& drained = slot(step_index);
    drained.apply_and_clear(excitatory, inhibitory, scale_ex, scale_in);
    // With one-step delays only the next slot fills while the others wait empty:
    // handing it the arrays just drained (and still in cache) keeps one pair of sums
    // warm instead of cycling through all the ring's (CUBA 40k: 3.2 MB).
    input_sums& next = slot(step_index + 1);
    if (next.empty()) drained.exchange_zero_sums(next);
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
