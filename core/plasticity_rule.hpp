// The interface plasticity rules implement, and what the kernel promises them.
//
// A rule is a subscriber attached to one projection: the kernel calls it, the rule
// never calls the kernel. Calls come per block of synapses or per postsynaptic
// spike, never one virtual call per synapse.
//
// Time frame. A synapse with total delay d = d_ax + d_den sees a presynaptic spike
// at t_pre + d_ax and a postsynaptic (back-propagated) spike at t_post + d_den
// (rules.md §1.5). Pair and triplet rules depend only on time differences at the
// synapse, so every synapse's events are shifted by its own +d_den: the rule sees
//   - presynaptic arrivals at t_pre + d, the tick the spike is delivered, and
//   - postsynaptic arrivals at t_post + 2 * d_den
// (the kernel schedules the latter through the projection's post_index). In this
// frame every event is known when it happens, so rules update eagerly, in time
// order, with no spike history. With d_den = 0 (the Izhikevich convention) the frame
// is plain model time. Weights sampled at tick T are therefore the synapse's
// weights at T - d_den of its own time.
//
// Ordering at one tick follows event.hpp: presynaptic arrivals first, then
// deferred postsynaptic arrivals, then spikes of event-driven neurons (wake-ups),
// then periodic ticks, then spikes emitted by that tick's neuron steps (all with
// d_den = 0 arrive at once). Rules define what equal-time pre/post pairs do
// (docs/models/plasticity.md).
//
// Thread safety: shards call a rule concurrently, each only for synapses ending on
// its own neurons (pre arrivals for its part of a block, post arrivals of its
// neurons, ticks for its synapses). A rule therefore keeps its state per synapse or
// per target neuron, never in anything two synapses with different targets share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "core/state_archive.hpp"
#include "core/trial_protocol.hpp"
#include "core/types.hpp"

namespace spikeq {

// Every weight change a rule makes, when the run records them (NEST's
// weight_recorder); the recorder drains it between windows. Shards append
// concurrently, each into the buffer of the shard that owns the synapse; within a
// buffer the changes of one synapse keep the order they happened in.
class weight_change_log {
 public:
  struct entry {
    tick_type tick;
    std::uint64_t synapse;  // index in the synapse table (the recorder maps it to the edge id)
    double weight;
  };

  weight_change_log() : buffers_(1) {}
  // owner[s] is the shard that owns synapse s; empty: everything on one shard.
  void set_owners(std::vector<std::uint16_t> owner, std::size_t shards) {
    owner_ = std::move(owner);
    buffers_.assign(std::max<std::size_t>(shards, 1), {});
  }
  void append(tick_type t, std::uint64_t s, double w) {
    buffers_[owner_.empty() ? 0 : owner_[s]].push_back({t, s, w});
  }
  bool empty() const {
    return std::all_of(buffers_.begin(), buffers_.end(), [](const auto& b) { return b.empty(); });
  }
  // Moves every change logged so far into `out` (replacing its contents), buffer
  // by buffer; the recorder puts them in (tick, edge id) order.
  void drain(std::vector<entry>& out) {
    out.clear();
    for (auto& b : buffers_) {
      out.insert(out.end(), b.begin(), b.end());
      b.clear();
    }
  }

 private:
  std::vector<std::uint16_t> owner_;
  std::vector<std::vector<entry>> buffers_;
};

class plasticity_rule {
 public:
  virtual ~plasticity_rule() = default;

  // A presynaptic spike reaches synapses [first, last) of the projection's table
  // (one delay block) at `now`. Called before the spike is delivered to the targets,
  // so the delivered weight includes this event's change (NEST's order).
  virtual void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) = 0;
  // A spike of target neuron `target` reaches `synapses` (table indices) at `now`.
  virtual void on_post_arrival(tick_type now, neuron_id_type target,
                               std::span<const std::uint64_t> synapses) = 0;

  // Period of on_tick in ticks (0: no ticks). First tick at one period.
  virtual tick_type tick_interval() const { return 0; }
  // A periodic update of `synapses` (ascending table indices: those one shard owns).
  virtual void on_tick(tick_type /*now*/, std::span<const std::uint64_t> /*synapses*/) {}
  // A neuromodulator released on `channel` (reward, dopamine) at `now`.
  virtual void on_neuromodulator(tick_type /*now*/, std::uint32_t /*channel*/, double /*amount*/) {}
  // A sample, phase or task boundary (SAL phases, HLOP task ends).
  virtual void on_phase_boundary(tick_type /*now*/, std::uint32_t /*phase*/) {}

  // Current weight of synapse s (table index), in double precision; the table holds
  // float copies for delivery. Not for hot paths.
  virtual double weight(std::uint64_t s) const = 0;
  // Weight of synapse s at `now` (at or after its last event), for rules whose
  // weights change between events (modulated rules integrate lazily). Must not
  // change the rule's state.
  virtual double weight_at(std::uint64_t s, tick_type /*now*/) const { return weight(s); }
  // Brings every synapse up to `now`, the end of the run, so that weight() and
  // weights() give the final weights. Called once, from one thread.
  virtual void complete(tick_type /*now*/) {}
  // All current weights in table order (a snapshot, valid until the next call).
  virtual std::span<const double> weights() const = 0;
  // Starts or stops logging every weight change into `log` (nullptr: stop).
  virtual void set_change_log(weight_change_log* log) = 0;
  // Weights change only while `schedule` is positive (the protocol's phases in
  // which this projection learns); traces and eligibilities keep running. nullptr:
  // always. The schedule must outlive the rule.
  virtual void set_learning_schedule(const step_series* schedule) = 0;

  // Saves or loads (core/state_archive.hpp) everything a run changes: weights in
  // double precision, traces, eligibilities, last-update ticks, accumulated
  // updates, random streams. Called between windows on a rule built from the same
  // description; the float weights of the synapse table are the kernel's to save.
  // Rules that cannot be checkpointed keep this default, which refuses by name.
  virtual void state(state_archive& ar) {
    ar.fail("a plasticity rule of this network cannot be checkpointed");
  }
};

}  // namespace spikeq
