// The events the kernel schedules and their total order.
//
// Ordering rules (these make every run independent of container, shard and thread
// order):
//   1. Earlier tick first.
//   2. At the same tick, by kind in the order declared in event_kind:
//        spike deliveries, postsynaptic arrivals at plastic synapses, stimulus
//        inputs (random pulses, then Poisson inputs), wake-ups (generator and predicted threshold crossings),
//        plasticity ticks, population steps, current changes, noise current
//        changes, recording, housekeeping.
//      Deliveries precede the step that ends at the same tick, so input that
//      arrives at tick T is part of the step (T - dt, T]. Current changes and
//      noise current changes at T follow that step, so a new amplitude applies
//      from T onwards (a time-stepped model first uses a noise amplitude drawn
//      at T in the step ending at T + dt); the two set separate per-neuron terms
//      that add, so their relative order never changes a result. Plasticity
//      ticks at T see every input delivered at T but not the spikes of the step
//      ending at T (Izhikevich's spnet updates weights between those).
//   3. Then by (primary, secondary, tertiary), whose meaning depends on the kind;
//      the named constructors below say which. Keys are unique within a shard, so
//      no insertion sequence is needed.
// Neuromodulator releases (core/neuromodulation.hpp) are not queued: a release at
// tick T changes its channel's level for model time after T, before any event at a
// later tick, and rules read the level lazily when their synapses are next touched.
// A shard holds the events of the neurons it owns; its order is the total order
// restricted to them, so every neuron sees its events in the same order whatever
// the number of shards.
#pragma once

#include <cstdint>
#include <tuple>

#include "core/types.hpp"

namespace spikeq {

enum class event_kind : std::uint8_t {
  spike_delivery = 0,
  post_arrival = 1,
  stimulus_input = 2,
  poisson_input = 3,
  wakeup = 4,
  plasticity_tick = 5,
  population_step = 6,
  current_change = 7,
  noise_change = 8,
  record = 9,
  housekeeping = 10,
};

struct event {
  tick_type tick = 0;
  event_kind kind = event_kind::spike_delivery;
  std::uint32_t primary = 0;
  std::uint32_t secondary = 0;
  std::uint32_t tertiary = 0;

  // A spike of global neuron `source` reaching delay block `block` of `projection`.
  static event delivery(tick_type t, global_neuron_id_type source, std::uint32_t projection,
                        std::uint32_t block) {
    return {t, event_kind::spike_delivery, source, projection, block};
  }
  // A spike of `target` (index in its population) reaching the plastic synapses
  // of `projection` listed in post_index block `post_block`.
  static event post_arrival(tick_type t, neuron_id_type target, std::uint32_t projection,
                            std::uint32_t post_block) {
    return {t, event_kind::post_arrival, target, projection, post_block};
  }
  // Occurrence `occurrence` (low 32 bits) of random pulse source `source`.
  static event stimulus(tick_type t, std::uint32_t source, std::uint32_t occurrence) {
    return {t, event_kind::stimulus_input, source, occurrence, 0};
  }
  // Occurrence `occurrence` (low 32 bits) of Poisson drive `drive`.
  static event poisson_input(tick_type t, std::uint32_t drive, std::uint32_t occurrence) {
    return {t, event_kind::poisson_input, drive, occurrence, 0};
  }
  // A wake-up of global neuron `neuron`; `version` lets its model drop stale ones.
  static event wakeup(tick_type t, global_neuron_id_type neuron, std::uint32_t version) {
    return {t, event_kind::wakeup, neuron, version, 0};
  }
  static event plasticity_tick(tick_type t, std::uint32_t projection) {
    return {t, event_kind::plasticity_tick, projection, 0, 0};
  }
  static event step(tick_type t, std::uint32_t population) {
    return {t, event_kind::population_step, population, 0, 0};
  }
  // Entry `change` of current schedule `schedule` takes effect.
  static event current_change(tick_type t, std::uint32_t schedule, std::uint32_t change) {
    return {t, event_kind::current_change, schedule, change, 0};
  }
  // Occurrence `occurrence` (low 32 bits) of noise current source `source`: new
  // amplitudes (or 0 at its stop).
  static event noise_change(tick_type t, std::uint32_t source, std::uint32_t occurrence) {
    return {t, event_kind::noise_change, source, occurrence, 0};
  }
  static event record(tick_type t, std::uint32_t probe) { return {t, event_kind::record, probe, 0, 0}; }

  // Accessors by kind (each valid only for the kinds named).
  global_neuron_id_type source() const { return primary; }  // spike_delivery
  neuron_id_type target() const { return primary; }         // post_arrival
  global_neuron_id_type neuron() const { return primary; }  // wakeup
  std::uint32_t version() const { return secondary; }       // wakeup
  std::uint32_t projection() const {                        // delivery, post_arrival, plasticity_tick
    return kind == event_kind::plasticity_tick ? primary : secondary;
  }
  std::uint32_t block() const { return tertiary; }        // spike_delivery, post_arrival
  std::uint32_t population() const { return primary; }    // population_step
  std::uint32_t source_index() const { return primary; }  // stimulus/poisson input, current/noise, record
  std::uint32_t occurrence() const { return secondary; }  // stimulus/poisson input, current/noise

  friend bool operator<(const event& x, const event& y) {
    return std::tie(x.tick, x.kind, x.primary, x.secondary, x.tertiary) <
           std::tie(y.tick, y.kind, y.primary, y.secondary, y.tertiary);
  }
  friend bool operator==(const event& x, const event& y) = default;
};

}  // namespace spikeq
