// A learning experiment's trial structure, expanded before the run (by the
// builder, io/protocol_builder.cpp) into plain time series that neurons and rules
// read: trial starts and outcomes, the attention gate, teacher signals for readout
// neurons, and the trials at which rules reset. Everything is known in advance
// (outcomes are drawn from counter-based streams keyed by the trial), so a
// protocol adds no events to the kernel and is the same for any thread count.
// Cue and outcome stimuli become ordinary current schedules (core/network.hpp).
//
// Series are piecewise constant: value[k] holds from tick[k] until tick[k + 1];
// before tick[0] the value is 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

struct step_series {
  std::vector<tick_type> tick;  // ascending
  std::vector<double> value;

  double at(tick_type t) const;
  // Appends a change. REQUIRES: t >= the last tick (an equal tick replaces it).
  void set(tick_type t, double v);
};

struct trial_protocol {
  std::vector<std::string> outcome_names;
  // Per trial: start tick, outcome tick (start + latency) and drawn outcome.
  std::vector<tick_type> trial_start;
  std::vector<tick_type> outcome_tick;
  std::vector<std::uint32_t> outcome;
  tick_type trial_ticks = 0;
  step_series gate;
  // Teacher signals, addressed by index (target_of maps readout neurons to them).
  std::vector<step_series> targets;
  // Per projection (by name): the trials at which its rule resets its learned state
  // (FORCE's inverse correlation matrix) at the trial start.
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> resets;
  // Per projection (by name) in some learning phase: 1 while it may change weights.
  std::vector<std::pair<std::string, step_series>> learning;
  // Phase settings: per (population or tied projection, parameter) the value during
  // the phases that set it, NaN outside them (the object's own value holds).
  struct setting {
    std::string target;
    std::string parameter;
    step_series series;
  };
  std::vector<setting> settings;

  // Data-set presentations (an image_dataset population, rules.md §4.5): per trial the
  // sample shown (index into its data set file), its task and whether it is an
  // evaluation trial (a test sample, learning gate closed); task_start[t] is the first
  // training trial of task t, so a rule sees a task boundary at
  // trial_start[task_start[t]]. Empty for protocols without a data set. The outcome
  // of such a trial is its label.
  std::vector<std::uint32_t> sample;
  std::vector<std::uint32_t> task;
  std::vector<std::uint8_t> evaluation;
  std::vector<std::uint32_t> task_start;
  // tasks x pixels, row-major: in task t, neuron p shows pixel pixel_permutation[t][p].
  std::vector<std::uint32_t> pixel_permutation;

  bool empty() const { return trial_start.empty(); }
  // Index of the trial running at `t` (the last one started at or before t), or -1.
  std::ptrdiff_t trial_at(tick_type t) const;
  // End tick of trial k.
  tick_type trial_end(std::size_t k) const { return trial_start[k] + trial_ticks; }
};

}  // namespace spikeq
