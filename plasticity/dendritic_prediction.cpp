#include "plasticity/dendritic_prediction.hpp"

#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity {

dendritic_prediction_rule::dendritic_prediction_rule(double eta, weight_bounds bounds,
                                                     std::span<weight_type> table,
                                                     std::span<const neuron_id_type> target_of,
                                                     const glm_pyramidal& target)
    : weight_owning_rule(table, bounds), eta_(eta), target_of_(target_of), target_(target) {}

void dendritic_prediction_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  if (!keeper_.learning(now)) return;
  for (std::uint64_t s = first; s < last; ++s) {
    const double change = eta_ * target_.dendritic_error(target_of_[s]);
    if (change == 0.0) continue;
    w_[s] = keeper_.clip_and_log(s, w_[s] + change, now);
    keeper_.sync(s, w_[s]);
  }
}

void dendritic_prediction_rule::state(state_archive& ar) {
  ar.begin_section("dendritic_prediction");
  archive_fixed_block(ar, w_, "synapses");
  ar.end_section();
}

}  // namespace spikeq::plasticity
