// The simulation loop: conservative parallel discrete-event simulation in windows
// of the minimum delay.
//
// Neurons are partitioned into shards (core/shard_layout.hpp); each shard has its
// own event queue and advances independently through a window [W, W + d_min):
// no spike emitted inside the window can reach any neuron before W + d_min. At the
// window's end the shards' spikes are exchanged (core/spike_exchange.hpp) in one
// canonical order, recorders see them, and every shard schedules the deliveries to
// its own neurons. Within a shard the order of events is the total order of
// event.hpp restricted to its neurons, so every neuron, synapse and plastic rule
// sees exactly the same sequence of events for any number of shards: results are
// bit-identical whatever the thread count.
//
// Window:  | shard 0: events W..W+d-1 |         | shard 0: deliveries, events ...
//          | shard 1: events W..W+d-1 | exchange| shard 1: deliveries, events ...
//          (in parallel)                (serial: merge, record, housekeeping)
//
// Thread safety: run() uses up to `threads` threads (core/shard_runner.hpp) and calls
// the hooks from the calling thread, except state_probe::sample.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "core/kernel_hooks.hpp"
#include "core/network.hpp"
#include "core/pulse_draws.hpp"
#include "core/shard_layout.hpp"
#include "core/shard_runner.hpp"
#include "core/spike_exchange.hpp"
#include "core/window_clock.hpp"

namespace spikeq {

class shard;
struct probe_window;

struct kernel_statistics {
  std::vector<std::uint64_t> spikes_per_population;
  std::uint64_t events = 0;
  std::uint64_t synaptic_events = 0;
  // Wall time: each shard's work within the windows, and the serial work between
  // windows (exchange, recording, outside input, checkpoints). A shard that finishes
  // its window early waits for the slowest.
  std::vector<double> shard_busy_s;
  double between_windows_s = 0.0;
};

class kernel {
 public:
  // The network must outlive the kernel. Runs net.shard_count shards on `threads`
  // threads (0: all cores).
  kernel(network& net, kernel_hooks hooks, unsigned threads = 1);
  ~kernel();

  // Processes every event with tick <= t_stop, unless the external input ends the
  // run earlier (then every event before reached()). May be called once.
  void run(tick_type t_stop);
  // After run(): every event before this tick was processed and none after it
  // (t_stop + 1 when the run went to its end).
  tick_type reached() const { return reached_; }

  // Checkpoints (core/state_archive.hpp). Saving: only from the checkpoint hook,
  // where the run stands at a window boundary; it saves every shard, population
  // slice, synapse weight, rule and neuromodulator, and where the run stands.
  // Loading: on a kernel built like the saving one (same network description and
  // seed, same shard count; thread counts may differ) before it ran; then
  // resume() continues from the saved boundary with results identical to the
  // uninterrupted run. Throws checkpoint_error when the state does not fit.
  void state(state_archive& ar);
  // Processes every event from the loaded boundary on with tick <= t_stop (which
  // may differ from the saving run's). May be called once, instead of run().
  void resume(tick_type t_stop);
  // The boundary a loaded state continues from.
  tick_type resume_tick() const { return resume_from_; }

  const kernel_statistics& statistics() const { return stats_; }
  tick_type window_ticks() const { return window_; }
  std::size_t shard_count() const { return layout_.shard_count(); }

 private:
  void run_windows(tick_type first_window, tick_type t_stop);
  void finish_run();  // completes the rules, sums the shards' statistics
  bool finish_window(tick_type window_end, tick_type t_stop);
  bool take_external_input(tick_type now, tick_type t_stop);
  void release_external_spikes(tick_type window_end);
  void reset_probe_windows(tick_type window_start, tick_type window_end, tick_type t_stop);
  void draw_window_pulses(tick_type window_start, tick_type window_end, tick_type t_stop);
  void find_shared_weights();

  network& net_;
  kernel_hooks hooks_;
  shard_runner runner_;
  shard_layout layout_;
  tick_type window_;
  std::vector<std::unique_ptr<shard>> shards_;
  std::vector<probe_window> probe_windows_;
  std::vector<pulse_owners> pulse_owners_;
  std::vector<pulse_draws> pulse_draws_;
  // Per projection: the weight its synapses share if it is static and they do
  // (found when the run starts or resumes: static weights do not change).
  std::vector<std::optional<weight_type>> shared_weights_;
  in_process_spike_exchange exchange_;
  std::vector<std::vector<emitted_spike>*> outboxes_;  // the shards' own
  std::span<const emitted_spike> exchanged_;
  std::vector<neuron_id_type> observer_batch_;
  tick_type next_housekeeping_ = 0;
  kernel_statistics stats_;
  // Times the windows: shard busy time and the serial work between windows.
  window_clock clock_;
  window_clock::ticks between_windows_ticks_ = 0;
  // External spikes wait here, in canonical order, until their window's exchange.
  std::set<emitted_spike> pending_external_;
  std::vector<emitted_spike> external_outbox_;
  injected_inputs injected_;
  tick_type reached_ = 0;
  // Where the run stands at a checkpoint: the window boundary being saved, or
  // loaded. The spikes exchanged there are delivered in the next window.
  tick_type resume_from_ = 0;
  bool ran_ = false;
  std::vector<emitted_spike> resumed_exchanged_;
};

}  // namespace spikeq
