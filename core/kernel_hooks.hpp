// What the kernel reports to the outside while it runs: spikes, sampled state and
// housekeeping calls. All of these are called from the coordinating thread, in
// model-time order, except state_probe::sample, which the shards call concurrently
// for disjoint columns.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/external_input.hpp"
#include "core/types.hpp"

namespace spikeq {

// Receives every spike the network emits, ordered by (tick, population, neuron).
class spike_observer {
 public:
  virtual ~spike_observer() = default;
  virtual void on_spikes(std::uint32_t population, tick_type tick,
                         std::span<const neuron_id_type> neurons) = 0;
};

// Samples state periodically, after every other event at the sample's tick.
// A frame has column_count() values; column c belongs to neuron column_neuron(c) of
// population owner_population(), and the shard that owns that neuron samples it.
class state_probe {
 public:
  virtual ~state_probe() = default;
  virtual tick_type first_sample() const = 0;
  virtual tick_type interval() const = 0;
  // A probe that samples at irregular times (trial or phase ends) lists every
  // sample tick here, ascending and distinct; first_sample and interval are then
  // unused. nullptr: periodic. The list must not change while the kernel runs.
  virtual const std::vector<tick_type>* sample_ticks() const { return nullptr; }
  virtual std::size_t column_count() const = 0;
  virtual std::uint32_t owner_population() const = 0;
  virtual neuron_id_type column_neuron(std::size_t column) const = 0;
  // Writes frame[c] for every c in `columns`, the value at `now`. Called
  // concurrently for disjoint column sets: must only read shared state.
  virtual void sample(tick_type now, std::span<const std::uint32_t> columns,
                      std::span<double> frame) const = 0;
  // Hands over one complete frame (frames arrive in tick order).
  virtual void write(tick_type now, std::span<const double> frame) = 0;
};

struct kernel_hooks {
  spike_observer* spikes = nullptr;
  std::vector<state_probe*> probes;
  // Called about every housekeeping_interval ticks of model time (progress,
  // flushing, interruption), between windows: every event up to `now` has been
  // processed and none after it.
  std::function<void(tick_type now)> housekeeping;
  tick_type housekeeping_interval = 0;
  // Input from outside (a live client, a replay), asked for at every window end.
  external_input* external = nullptr;
  // Called at every window end that is a multiple of checkpoint_interval (which the
  // kernel rounds up to whole windows, kernel::window_ticks()) and not past t_stop,
  // after housekeeping: every event before `now` has been processed and none at or
  // after it, so kernel::state can save the run.
  std::function<void(tick_type now)> checkpoint;
  tick_type checkpoint_interval = 0;
};

}  // namespace spikeq
