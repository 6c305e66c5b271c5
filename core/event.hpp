// The events the kernel schedules and their total order.
//
// Ordering rules (these make every run independent of container and thread order):
//   1. Earlier tick first.
//   2. At the same tick, by kind in the order declared in event_kind:
//        spike deliveries, postsynaptic arrivals at plastic synapses, stimulus
//        inputs, wake-ups (generator and predicted threshold crossings),
//        plasticity ticks, population steps, current changes, recording,
//        housekeeping.
//      Deliveries precede the step that ends at the same tick, so input that
//      arrives at tick T is part of the step (T - dt, T]. Current changes at T
//      follow that step, so a new amplitude applies from T onwards. Plasticity
//      ticks at T see every input delivered at T but not the spikes of the step
//      ending at T (Izhikevich's spnet updates weights between those).
//   3. Then by (a, b, c), whose meaning depends on the kind (source neuron,
//      projection, block, ...). Keys are unique, so no insertion sequence is needed.
#pragma once

#include <cstdint>
#include <tuple>

#include "core/types.hpp"

namespace spikeq {

enum class event_kind : std::uint8_t {
  spike_delivery = 0,    // a = global source neuron, b = projection, c = delay block of that source
  post_arrival = 1,      // a = target neuron (in its population), b = projection, c = post_index block
  stimulus_input = 2,    // a = stimulus index, b = occurrence (low 32 bits)
  wakeup = 3,            // a = global neuron, b = version the owner checks for staleness
  plasticity_tick = 4,   // a = projection
  population_step = 5,   // a = population
  current_change = 6,    // a = stimulus index, b = change index
  record = 7,            // a = recorder index
  housekeeping = 8,      // a = task (flush, progress)
};

struct event {
  tick_type tick = 0;
  event_kind kind = event_kind::spike_delivery;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t c = 0;

  friend bool operator<(const event& x, const event& y) {
    return std::tie(x.tick, x.kind, x.a, x.b, x.c) < std::tie(y.tick, y.kind, y.a, y.b, y.c);
  }
  friend bool operator==(const event& x, const event& y) = default;
};

}  // namespace spikeq
