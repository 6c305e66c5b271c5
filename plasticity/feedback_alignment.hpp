// Hidden layers trained by direct feedback alignment (Nøkland 2016; Lillicrap et al.
// 2016), the local error-propagation scheme the HLOP paper's networks use (rules.md
// §4; docs/models/hlop.md). Per training sample n, after the readout layer's rule
// has published the sample's mean error ē(n) (core/trial_errors.hpp):
//   δ_i    = φ'_i Σ_k B_ik ē_k(n)           fixed random feedback B (hidden × readout)
//   ΔW_ij  = η δ_i x̄_j                       x̄_j: presynaptic rate over the open gate (Hz)
// with φ'_i = 1 while hidden neuron i fires below `rate_max` in the sample (a
// boxcar surrogate derivative: silent neurons may learn to fire, saturated ones
// stop) and x̄_j the gate-weighted spike count of presynaptic j arriving in the
// sample divided by the gate's open time (the weighted firing rate of §4.5).
// B_ik is drawn from the counter-based stream keyed by (seed, projection, i), so the
// feedback does not depend on the shard layout.
//
// With `hlop` the update rows are projected off the frozen subspace of earlier
// tasks' presynaptic rates: ΔW_i· = η δ_i x̃ᵀ, x̃ = x̄ − H₀ᵀH₀x̄ (plasticity/hlop/
// task_subspace.hpp), the lateral rows learning from x̄ of every training sample.
//
// Timing and threads. ē(n) lives with the readout (one shard); it is published at
// the readout rule's first step at or after the trial's end, and this rule updates
// at its first step at or after trial end + `lag` (the readout's step plus at least
// one kernel window), so the window barrier orders the write before every read and
// the result is independent of the thread count. Counts are kept in two banks by
// trial parity, so the next sample counts while the previous one waits for its
// error. Every shard updates only its own hidden neurons' synapses; with `hlop`
// each shard runs its own copy of the lateral learner on the same x̄ (identical
// results, duplicated work) so that no state is shared between shards.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/distribution.hpp"
#include "core/readout_signal.hpp"
#include "core/trial_protocol.hpp"
#include "plasticity/hlop/task_subspace.hpp"
#include "plasticity/weight_owning_rule.hpp"

namespace spikeq::plasticity {

struct feedback_alignment_parameters {
  double eta = 1e-5;         // weight units per (error × Hz)
  double step_ms = 1.0;      // how often due updates are looked for
  double rate_max_hz = 100;  // φ' = 0 at or above this rate in the sample
  distribution feedback;     // of B_ik
  std::uint64_t seed = 0;
  std::uint32_t id = 0;     // the projection's index (key of B's stream)
  tick_type lag_ticks = 0;  // trial end → update: at least the readout's step plus one window
  weight_bounds bounds{-1e9, 1e9};
  std::optional<hlop::task_subspace_parameters> hlop;
};

// Which hidden neurons and synapses each shard owns (the kernel's shard layout).
struct feedback_alignment_layout {
  std::vector<std::uint16_t> shard_of_target;  // per hidden neuron
  std::size_t shards = 1;
};

class feedback_alignment_rule final : public weight_owning_rule {
 public:
  // `targets`/`sources`: the table's target and source of every synapse. With hlop,
  // every (source, target) pair must have exactly one synapse and all one delay.
  feedback_alignment_rule(const feedback_alignment_parameters& p, double ms_per_tick,
                          std::span<weight_type> table, std::span<const neuron_id_type> targets,
                          std::vector<std::uint32_t> sources, std::uint32_t source_count,
                          neuron_id_type target_count, const feedback_alignment_layout& layout,
                          readout_signal& readout, neuron_id_type readout_size,
                          const trial_protocol& protocol);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target, std::span<const std::uint64_t>) override;
  tick_type tick_interval() const override { return step_ticks_; }
  void on_tick(tick_type now, std::span<const std::uint64_t> synapses) override;
  void state(state_archive& ar) override;

  // B_ik (hidden neuron i, readout neuron k).
  double feedback(neuron_id_type i, neuron_id_type k) const { return B_[std::size_t{i} * readout_size_ + k]; }
  // The lateral learner of the first shard that has one (nullptr without hlop).
  const hlop::task_subspace* subspace() const;

 private:
  // What one shard keeps: its hidden neurons, how far it has updated, and (hlop) its
  // copy of the lateral learner.
  struct shard_part {
    std::vector<neuron_id_type> targets;  // ascending
    std::uint64_t next_trial = 0;
    std::uint64_t next_task = 0;
    std::unique_ptr<hlop::task_subspace> hlop;
    std::vector<double> x, delta;               // x̄ (hlop) per source; δ per hidden neuron
    std::vector<std::uint64_t> source_synapse;  // hlop: per source, its synapse onto targets[0]
  };

  // Weight of the gate at `now` and the trial it belongs to (gate 0: not counted).
  double gate_at(tick_type now, std::size_t& trial) const;
  void update(shard_part& part, std::size_t trial, tick_type now, std::span<const std::uint64_t> synapses);
  void change(std::uint64_t s, double new_w, tick_type now);

  feedback_alignment_parameters p_;
  tick_type step_ticks_;
  std::span<const neuron_id_type> targets_;
  std::vector<std::uint32_t> sources_;
  std::uint32_t source_count_;
  readout_signal& readout_;
  neuron_id_type readout_size_;
  const trial_protocol& protocol_;
  std::vector<double> pre_count_[2];   // per synapse, gate-weighted arrivals, by trial parity
  std::vector<double> post_count_[2];  // per hidden neuron
  std::vector<double> B_;              // hidden × readout
  std::vector<double> gate_open_ms_;   // per trial
  std::vector<std::uint16_t> shard_of_target_;
  std::vector<shard_part> parts_;
};

}  // namespace spikeq::plasticity
