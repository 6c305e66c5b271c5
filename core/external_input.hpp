// Input from outside the model while it runs (a live client, a replayed recording):
// spikes of source populations, changes of live current sources, neuromodulator
// releases. The kernel asks for it at every window end, from the coordinating
// thread, when every event before `now` is done and no shard is running; what it
// gets takes effect at ticks >= now, so it enters the same total order as every
// other event and a run with the same inputs is bit-identical at any thread count.
// The kernel never learns where the input came from.
#pragma once

#include <cstdint>
#include <vector>

#include "core/neuromodulation.hpp"
#include "core/spike_exchange.hpp"
#include "core/types.hpp"

namespace spikeq {

// From `tick` on, live current schedule `schedule` (network::currents) drives its
// neurons with `amplitude` (model units).
struct current_setting {
  std::uint32_t schedule = 0;
  tick_type tick = 0;
  double amplitude = 0.0;
};

struct injected_inputs {
  std::vector<emitted_spike> spikes;  // spikes "emitted" by (source) populations
  std::vector<current_setting> currents;
  std::vector<modulator_release> releases;

  bool empty() const { return spikes.empty() && currents.empty() && releases.empty(); }
  void clear() {
    spikes.clear();
    currents.clear();
    releases.clear();
  }
};

// What a run took from outside, with the window end each input was injected at,
// so a replay can inject the same inputs at the same points (same total order,
// same sums of same-tick releases): the run repeats bit for bit.
struct input_journal {
  struct spike_entry {
    tick_type injected_at;
    emitted_spike spike;
  };
  struct current_entry {
    tick_type injected_at;
    std::uint32_t source;  // index into live_current_sources(network)
    tick_type tick;
    double amplitude;
  };
  struct release_entry {
    tick_type injected_at;
    modulator_release release;
  };
  std::vector<spike_entry> spikes;
  std::vector<current_entry> currents;
  std::vector<release_entry> releases;

  bool empty() const { return spikes.empty() && currents.empty() && releases.empty(); }
  void clear() {
    spikes.clear();
    currents.clear();
    releases.clear();
  }
};

class external_input {
 public:
  virtual ~external_input() = default;
  // The kernel's window is at most this long and divides it (0: no bound), so the
  // source is asked at least this often, at whole multiples of it.
  virtual tick_type max_window() const { return 0; }
  // Every event before `now` is done. Adds inputs with tick >= now (a spike's
  // population must be a source without inputs of its own; a current's schedule
  // must be live and its ticks must not decrease). Returns false to end the run at
  // `now`. Called once with now = 0 before anything runs, then at every window end.
  virtual bool at_window_end(tick_type now, injected_inputs& out) = 0;
};

}  // namespace spikeq
