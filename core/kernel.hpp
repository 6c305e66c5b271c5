// The discrete-event simulation loop of one shard.
//
// Order of work inside a window is entirely defined by the event order of
// event.hpp: every event at tick T with a smaller key runs before one with a larger
// key, and an event only ever schedules events with larger keys (deliveries at
// T + delay with delay >= 1 tick; steps, pulses and samples at their next period).
// A population's spikes at T are handed to the spike observer, then to the
// plasticity rules of projections onto it (directly, or as post_arrival events when
// the synapses have a dendritic delay), then one delivery event per (spike,
// projection, distinct delay) is scheduled. Rules see each presynaptic spike just
// before it is delivered (core/plasticity_rule.hpp states the time frame).
//
// Today a network runs as a single shard. The layout is chosen so that shards can
// later each own a subset of target neurons and advance through windows of the
// minimum delay independently, exchanging spikes between windows, with the same
// per-tick order and therefore bit-identical results.
//
// Thread safety: a kernel and its network are used from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "core/network.hpp"

namespace spikeq {

// Receives every spike the network emits, population by population, in event order.
class spike_observer {
 public:
  virtual ~spike_observer() = default;
  virtual void on_spikes(std::uint32_t population, tick_type tick,
                         std::span<const neuron_id_type> neurons) = 0;
};

// Samples state periodically (after the population steps ending at the same tick).
class state_probe {
 public:
  virtual ~state_probe() = default;
  virtual tick_type first_sample() const = 0;
  virtual tick_type interval() const = 0;
  virtual void sample(tick_type now) = 0;
};

struct kernel_hooks {
  spike_observer* spikes = nullptr;
  std::vector<state_probe*> probes;
  // Called every housekeeping_interval ticks of model time (progress, flushing).
  std::function<void(tick_type now)> housekeeping;
  tick_type housekeeping_interval = 0;
};

struct kernel_statistics {
  std::vector<std::uint64_t> spikes_per_population;
  std::uint64_t events = 0;
  std::uint64_t synaptic_events = 0;
};

class kernel {
 public:
  // The network must outlive the kernel.
  kernel(network& net, kernel_hooks hooks);

  // Processes every event with tick <= t_stop. May be called once.
  void run(tick_type t_stop);

  const kernel_statistics& statistics() const { return stats_; }

 private:
  void schedule_initial_events(tick_type t_stop);
  void dispatch(const event& e);
  void deliver(const event& e);
  void inject_pulses(const event& e);
  void handle_output(std::uint32_t population, tick_type now);
  void notify_post_spikes(std::uint32_t projection_index, tick_type now);
  void schedule_if_due(const event& e);

  network& net_;
  kernel_hooks hooks_;
  event_queue queue_;
  kernel_statistics stats_;
  tick_type t_stop_ = 0;
  event current_{};
  population_output out_;
  std::vector<std::uint64_t> pulse_picks_;
  std::vector<neuron_id_type> pulse_targets_;
  std::vector<weight_type> pulse_weights_;
};

}  // namespace spikeq
