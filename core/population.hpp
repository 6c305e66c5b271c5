// The interface the kernel uses to drive a population of neurons or spike sources.
//
// A population is a whole group updated together (structure of arrays). The kernel
// calls it once per step or once per block of synaptic input, never once per
// synapse through a virtual call. Models come in two flavours:
//   - time-stepped (step_ticks() > 0): the kernel schedules a population_step event
//     at every multiple of step_ticks(); step(T) advances the state over (T - dt, T]
//     using the input that arrived in that interval, and may emit spikes at T.
//   - event-driven (step_ticks() == 0): state changes only when input or a wake-up
//     arrives; the model predicts its own next spike and asks for a wake-up.
//
// Thread safety: a population is owned by one shard and only touched by its thread.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/input_ring.hpp"
#include "core/state_archive.hpp"
#include "core/types.hpp"

namespace spikeq {

// What a population hands back to the kernel from one call.
// All spikes in `spikes` happen at the tick of the call.
struct population_output {
  struct wakeup_request {
    tick_type tick;
    neuron_id_type neuron;
    std::uint32_t version;
  };
  std::vector<neuron_id_type> spikes;
  std::vector<wakeup_request> wakeups;

  void clear() {
    spikes.clear();
    wakeups.clear();
  }
};

class population {
 public:
  population(std::string name, neuron_id_type size) : name_(std::move(name)), size_(size) {}
  virtual ~population() = default;
  population(const population&) = delete;
  population& operator=(const population&) = delete;

  const std::string& name() const { return name_; }
  neuron_id_type size() const { return size_; }

  // Name of the model (NEST vocabulary, e.g. "iaf_psc_exp").
  virtual std::string_view model() const = 0;
  // Step length in ticks for time-stepped models, 0 for event-driven ones.
  virtual tick_type step_ticks() const { return 0; }

  // Called once before the run at tick 0; event-driven models and generators
  // request their first wake-ups here.
  virtual void start(population_output& /*out*/) {}

  // Time-stepped models: advance over (now - step_ticks(), now].
  virtual void step(tick_type /*now*/, population_output& /*out*/) {}

  // A block of synaptic input arriving at `now`: weights[k] goes to targets[k].
  // Units of the weight are the model's (pA, nS, mV; see docs/models).
  virtual void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
                       std::span<const weight_type> weights, population_output& out) = 0;

  // A wake-up requested earlier; stale versions must be ignored by the model.
  virtual void wakeup(tick_type /*now*/, neuron_id_type /*neuron*/, std::uint32_t /*version*/,
                      population_output& /*out*/) {}

  // Sets the injected current (model units, pA for iaf models) of the given neurons
  // from `now` on; an empty `neurons` means all of them.
  virtual void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude,
                           population_output& out) = 0;

  // Sets the noise current (model units) of each of `neurons` to amplitudes[k] from
  // `now` on (noise_current sources). It is a second injected term per neuron,
  // separate from set_current's, and the two add. Models that take currents
  // override it; one call per change of a whole source, never per neuron.
  // REQUIRES: neurons.size() == amplitudes.size().
  virtual void set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                                  std::span<const double> amplitudes, population_output& out);

  // Time-stepped models that take static input ahead of time (core/input_ring.hpp)
  // return their ring; the kernel sizes it and fills it at window exchanges.
  virtual input_ring* step_input() { return nullptr; }

  // Time-stepped models whose input reaches their state a step after it arrives
  // (iaf_psc_exp: the currents jump at a step's end, V follows in the next) may
  // propagate the next step while a stretch of neurons is still in cache, and finish
  // it (input, threshold) at its own step. The kernel allows it before a run for
  // populations whose state nothing reads or changes between steps: no state probe,
  // no current or noise source, no checkpoints. Results have the same bits either way.
  virtual void allow_step_ahead(bool /*allowed*/) {}

  // Names of recordable state variables (NEST names, e.g. "V_m") and their units;
  // a variable is addressed by its index in this list.
  virtual std::vector<std::string> recordables() const { return {}; }
  virtual std::string recordable_unit(std::size_t /*variable*/) const { return ""; }
  // Writes the value of recordable `variable` at `now` for each of `neurons` into
  // `values` (same length). `now` is at or after the last tick the model was
  // touched at. Must not change the state (recording never alters a run).
  virtual void sample(std::size_t /*variable*/, tick_type /*now*/,
                      std::span<const neuron_id_type> /*neurons*/, std::span<double> /*values*/) const {}

  // Saves or loads (core/state_archive.hpp) everything a run changes: membrane
  // state, refractory and pending-input bookkeeping, wake-up versions, injected
  // currents, random streams, the step_input ring. Called between windows (no event
  // in progress) on a population built from the same description with the same
  // slicing; what the description fixes (parameters, size) is checked with
  // ar.expect, never overwritten. Models that cannot be checkpointed keep this
  // default, which refuses by name.
  virtual void state(state_archive& ar);

 private:
  std::string name_;
  neuron_id_type size_;
};

inline void population::state(state_archive& ar) {
  ar.fail(std::string(model()) + " '" + name() + "' cannot be checkpointed");
}

inline void population::set_noise_currents(tick_type, std::span<const neuron_id_type>,
                                           std::span<const double>, population_output&) {
  throw std::logic_error(std::string(model()) + " '" + name() + "' takes no noise current");
}

}  // namespace spikeq
