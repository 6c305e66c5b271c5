// One shard: the neurons it owns (one slice of every population), the synapses
// ending on them, their plastic state, and an event queue holding only their
// events. A shard advances through a window on its own and touches no memory
// another shard writes; see core/kernel.hpp for the window protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/event_queue.hpp"
#include "core/kernel_hooks.hpp"
#include "core/network.hpp"
#include "core/poisson_counts.hpp"
#include "core/probe_window.hpp"
#include "core/pulse_draws.hpp"
#include "core/random_stream.hpp"
#include "core/ring_delivery.hpp"
#include "core/shard_layout.hpp"
#include "core/spike_exchange.hpp"
#include "core/state_archive.hpp"
#include "core/window_clock.hpp"

namespace spikeq {

struct shard_statistics {
  std::vector<std::uint64_t> spikes_per_population;
  std::uint64_t events = 0;
  std::uint64_t synaptic_events = 0;
  window_clock::ticks busy_ticks = 0;  // wall time spent in run_window (window_clock ticks)
};

class shard {
 public:
  shard(std::size_t index, network& net, const shard_layout& layout, const kernel_hooks& hooks,
        std::vector<probe_window>& probe_windows, const std::vector<pulse_draws>& pulses,
        const std::vector<std::optional<weight_type>>& shared_weights, tick_type bucket_width,
        tick_type horizon, tick_type window);

  // Schedules the first events (steps, generator wake-ups, stimuli, ticks, samples).
  void start(tick_type t_stop);
  // Schedules the deliveries of `spikes` (in canonical order) to this shard's neurons.
  void schedule_deliveries(std::span<const emitted_spike> spikes);
  // Schedules the changes appended to live current schedules since the last call.
  void schedule_live_currents();
  // Processes every event with tick < window_end and <= t_stop.
  void advance(tick_type window_end);
  // One window of this shard: delivers `spikes` (the last exchange), queues new live
  // currents, and advances to window_end; its wall time adds to statistics().busy_ticks.
  void run_window(std::span<const emitted_spike> spikes, tick_type window_end);

  // Saves or loads this shard's state between windows: its event queue, counters,
  // drive and noise streams, and the state of the population slices it owns.
  // `boundary` is the window boundary being saved or loaded.
  void state(state_archive& ar, tick_type boundary);
  // A shard whose state was loaded continues to `t_stop` without start().
  void resume(tick_type t_stop);

  std::vector<emitted_spike>& outbox() { return outbox_; }
  const shard_statistics& statistics() const { return stats_; }

 private:
  // Tells each slice whether it may step ahead (population::allow_step_ahead).
  void allow_steps_ahead();
  void dispatch(const event& e);
  void deliver(const event& e);
  void inject_pulses(const event& e);
  void inject_poisson(const event& e);
  void change_noise(const event& e);
  void wake(const event& e);
  void handle_output(std::uint32_t population, tick_type now);
  void notify_post_spikes(std::uint32_t projection_index, tick_type now);
  void schedule(const event& e);
  void schedule_samples_from(tick_type boundary);
  void schedule_delivery(const emitted_spike& spike);
  // The sums of the table words a spike's listing will read first (core/cache_touch.hpp).
  std::uint64_t touch_block_ranges(const emitted_spike& spike) const;
  std::uint64_t touch_first_blocks(const emitted_spike& spike) const;
  void list_ring_blocks(const emitted_spike& spike, const projection& proj, const population_share& share,
                        std::optional<weight_type> shared_weight);

  std::size_t index_;
  network& net_;
  const shard_layout& layout_;
  const kernel_hooks& hooks_;
  std::vector<probe_window>& probe_windows_;
  const std::vector<pulse_draws>& pulses_;
  // Per projection: the weight its synapses share (the kernel's; static ones only).
  // The ring adds then read the targets only (bench/RESULTS.md, CUBA growth).
  const std::vector<std::optional<weight_type>>& shared_weights_;
  event_queue queue_;
  shard_statistics stats_;
  std::uint64_t touched_ = 0;  // keeps the batch loads (core/cache_touch.hpp)
  tick_type t_stop_ = 0;
  event current_{};
  population_output out_;
  std::vector<emitted_spike> outbox_;
  // Per current schedule: the neurons of this shard's slice it drives (local
  // indices), and whether it drives any.
  std::vector<std::vector<neuron_id_type>> current_neurons_;
  std::vector<bool> current_applies_;
  std::vector<std::size_t> live_currents_scheduled_;  // per schedule: entries queued so far
  // Per projection: delivered at the exchange into the target slice's input ring
  // (static synapses onto a time-stepped model that has one) rather than by events.
  std::vector<bool> via_ring_;
  ring_delivery ring_blocks_;
  // Per projection with periodic ticks: the synapses ending on this shard's neurons.
  std::vector<std::vector<std::uint64_t>> tick_synapses_;
  // Per Poisson drive: the slice's driven neurons (local indices) and their counts.
  struct drive_part {
    std::vector<neuron_id_type> neurons;
    poisson_counts counts;
  };
  std::vector<drive_part> drives_;
  // Per noise current source: the slice's driven neurons (local indices), their
  // streams, and the amplitudes handed to the model.
  struct noise_part {
    static constexpr std::uint32_t no_row = ~std::uint32_t{0};
    std::vector<neuron_id_type> neurons;
    std::vector<random_stream> streams;
    std::vector<double> amplitudes;
    std::uint32_t row = no_row;  // in noise_rows_ when several sources drive the population
  };
  std::vector<noise_part> noises_;
  // Per population with several noise sources: each source's present amplitudes by
  // local neuron, one row per source in source order; a neuron's noise current is
  // their sum in that order, the same in every shard.
  std::vector<std::vector<std::vector<double>>> noise_rows_;
  std::vector<double> noise_totals_;
  std::vector<neuron_id_type> local_targets_;
  std::vector<weight_type> pulse_weights_;
};

}  // namespace spikeq
