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

#include <span>
#include <vector>

#include "plasticity/plastic_weights.hpp"
#include "plasticity/weight_dependence.hpp"

namespace spikeq::plasticity {

enum class pairing_scheme { all_to_all, nearest_symmetric, nearest_pre_centered, nearest_restricted };

struct stdp_pair_parameters {
  double tau_plus_ms = 20.0;
  double tau_minus_ms = 20.0;
  pairing_scheme pairing = pairing_scheme::all_to_all;
  weight_dependence dependence;
  weight_bounds bounds;
};

class stdp_pair_rule final : public plasticity_rule {
 public:
  // `table` is the projection's weight array (initial weights; kept in step).
  stdp_pair_rule(const stdp_pair_parameters& p, double ms_per_tick, std::span<weight_type> table);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  std::span<const double> weights() const override { return w_.values(); }
  void set_change_log(weight_change_log* log) override { w_.set_log(log); }

 private:
  void pre(std::uint64_t s, tick_type now);
  void post(std::uint64_t s, tick_type now);

  stdp_pair_parameters p_;
  double inv_tau_plus_;   // per tick
  double inv_tau_minus_;  // per tick
  plastic_weights w_;
  // Presynaptic side: trace before the last spike (all-to-all, pre-centred) and the
  // ticks of the last two spikes (previous only for the nearest schemes).
  std::vector<double> x_before_;
  std::vector<tick_type> t_pre_, t_pre_previous_;
  // Postsynaptic side, as seen by each synapse.
  std::vector<double> y_before_;
  std::vector<tick_type> t_post_, t_post_previous_;
};

}  // namespace spikeq::plasticity
