// Dendritic prediction of somatic activity (Urbanczik & Senn 2014; the forward
// rule of the SAL paper's microcircuit code, rules.md §3.6): every presynaptic
// spike arriving at synapse j -> i changes it by
//   dW_ij = eta (sigma(<u_i>) - sigma(<v_bas,i> + b_i)),
// the target's dendritic prediction error (neurons/glm_pyramidal.hpp), read at the
// arrival, one step after the spike with the usual one-step delay (the paper code
// pairs the spike of step t - 1 with the averages of step t: one step later than
// here). Weights change only while the projection learns (protocol phases).
//
// Thread safety: the target population is owned by one shard, which also runs this
// rule's calls for its synapses; state is per synapse.
#pragma once

#include <span>
#include <vector>

#include "neurons/glm_pyramidal.hpp"
#include "plasticity/weight_owning_rule.hpp"

namespace spikeq::plasticity {

class dendritic_prediction_rule final : public weight_owning_rule {
 public:
  // `target` is the projection's target population; `target_of[s]` synapse s's
  // target neuron (the table's targets).
  dendritic_prediction_rule(double eta, weight_bounds bounds, std::span<weight_type> table,
                            std::span<const neuron_id_type> target_of, const glm_pyramidal& target);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type, neuron_id_type, std::span<const std::uint64_t>) override {}
  void state(state_archive& ar) override;

 private:
  double eta_;
  std::span<const neuron_id_type> target_of_;
  const glm_pyramidal& target_;
};

}  // namespace spikeq::plasticity
