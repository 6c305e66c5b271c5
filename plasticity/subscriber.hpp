// The interface plasticity rules implement (rules arrive in a later issue).
//
// A rule is a subscriber: it declares which signals it needs and the kernel calls
// it; the rule never calls the kernel. Calls are per block of synapses or per batch
// of spikes, never one virtual call per synapse. Delays are split explicitly into
// an axonal part (pre spike reaches the synapse at t_pre + d_ax) and a dendritic
// part (a post spike reaches the synapse at t_post + d_den); see rules.md §1.5.
#pragma once

#include <cstdint>
#include <span>

#include "core/types.hpp"

namespace spikeq {

enum class plasticity_signal : std::uint32_t {
  pre_arrival = 1u << 0,     // presynaptic spikes arriving at a block of synapses
  post_spike = 1u << 1,      // spikes of the projection's target neurons
  neuromodulator = 1u << 2,  // modulator released on a channel (reward, dopamine)
  periodic_tick = 1u << 3,   // fixed-period evaluation (e.g. spnet's 1 s update)
  phase_boundary = 1u << 4,  // sample, phase or task boundaries (SAL, HLOP)
};

class plasticity_rule {
 public:
  virtual ~plasticity_rule() = default;
  // Bitwise OR of plasticity_signal values the rule wants.
  virtual std::uint32_t subscriptions() const = 0;

  // Presynaptic spike of `source` reaches synapses [first, last) of the projection
  // at `now`; the rule may change their weights (in place, in the table's weight
  // array it was given at construction).
  virtual void on_pre_arrival(tick_type /*now*/, neuron_id_type /*source*/, std::uint64_t /*first*/,
                              std::uint64_t /*last*/) {}
  // Target neurons that fired at `now`.
  virtual void on_post_spikes(tick_type /*now*/, std::span<const neuron_id_type> /*neurons*/) {}
  virtual void on_neuromodulator(tick_type /*now*/, std::uint32_t /*channel*/, double /*amount*/) {}
  virtual void on_tick(tick_type /*now*/) {}
  virtual void on_phase_boundary(tick_type /*now*/, std::uint32_t /*phase*/) {}
};

}  // namespace spikeq
