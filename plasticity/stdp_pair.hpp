// Pair-based STDP (rules.md §1.1-1.3): all-to-all and the three nearest-neighbour
// schemes of Morrison et al. 2008 (NEST's stdp_nn_symm, stdp_nn_pre_centered and
// stdp_nn_restr synapses), each with any weight_dependence.
//
// Every synapse is a small state machine fed its pre and post events in time order
// (see core/plasticity_rule.hpp for the time frame); all state lives in per-synapse
// side arrays, allocated only for what the chosen scheme reads.
// Equal-time pairs (delta t = 0) contribute nothing: each spike then pairs with the
// next-latest partner, as in NEST.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "plasticity/decay_table.hpp"
#include "plasticity/weight_dependence.hpp"
#include "plasticity/weight_keeper.hpp"
#include "plasticity/weight_snapshot.hpp"

namespace spikeq::plasticity {

enum class pairing_scheme { all_to_all, nearest_symmetric, nearest_pre_centered, nearest_restricted };

struct stdp_pair_parameters {
  double tau_plus_ms = 20.0;
  double tau_minus_ms = 20.0;
  pairing_scheme pairing = pairing_scheme::all_to_all;
  weight_dependence dependence;
  weight_bounds bounds;
};

// When every synapse of a projection has the same dendritic delay, all synapses of
// one target neuron see its postsynaptic spikes at the same time, so the
// postsynaptic side (trace, last spike ticks) is kept once per target neuron
// instead of once per synapse: less memory, and one update per postsynaptic spike.
struct shared_post_side {
  std::span<const neuron_id_type> targets;  // the table's target of every synapse
  neuron_id_type target_count = 0;
};

class stdp_pair_rule final : public plasticity_rule {
 public:
  // `table` is the projection's weight array (initial weights; kept in step).
  // Without `shared`, every synapse keeps its own postsynaptic side.
  stdp_pair_rule(const stdp_pair_parameters& p, double ms_per_tick, std::span<weight_type> table,
                 std::optional<shared_post_side> shared = std::nullopt);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  double weight(std::uint64_t s) const override { return state_[s].w; }
  std::span<const double> weights() const override { return gather_weights(state_, snapshot_); }
  void set_change_log(weight_change_log* log) override { w_.set_log(log); }
  void set_learning_schedule(const step_series* schedule) override { w_.set_learning_schedule(schedule); }
  void state(state_archive& ar) override;

 private:
  // The postsynaptic side record synapse s reads.
  std::uint64_t post_slot(std::uint64_t s) const { return targets_.empty() ? s : targets_[s]; }
  void pre(std::uint64_t s, tick_type now);
  double potentiation_drive(std::uint64_t s, std::uint64_t slot, tick_type now) const;
  void consume_after_post(std::uint64_t s, tick_type now);
  void advance_post_side(std::uint64_t slot, tick_type now);

  stdp_pair_parameters p_;
  // exp(-ticks / tau_plus), exp(-ticks / tau_minus): tables, not a call per synapse.
  decay_table plus_, minus_;
  weight_keeper w_;
  // One record per synapse, so that a postsynaptic spike, which reaches synapses
  // scattered through the table, touches one record: the weight and the
  // presynaptic trace (x_before: just before the last pre spike; all-to-all and
  // pre-centred), t_pre_previous only for the nearest schemes. Aligned to 32
  // bytes, so that no record straddles two cache lines.
  struct alignas(32) synapse_state {
    double w;
    double x_before;
    tick_type t_pre;
    tick_type t_pre_previous;
  };
  static_assert(sizeof(synapse_state) == 32);
  // The postsynaptic side, per target neuron (shared_post_side) or per synapse.
  struct post_state {
    double y_before;  // all-to-all
    tick_type t_post;
    tick_type t_post_previous;  // nearest schemes
  };
  std::vector<synapse_state> state_;
  std::vector<post_state> post_;
  std::span<const neuron_id_type> targets_;  // empty: post_ is per synapse
  mutable std::vector<double> snapshot_;
};

}  // namespace spikeq::plasticity
