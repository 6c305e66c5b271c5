// The weights of a projection tied to another's (WeightTie in the network schema):
// w_s = scale * w_source(partner[s]), refreshed by the kernel between windows
// (core/weight_tie.hpp), never by spikes or learning phases. The dendritic
// microcircuit's self-predicting interneurons copy the forward weights, and the
// copy-backprop baseline sets the feedback weights to the transposed forward weights.
#pragma once

#include <span>

#include "core/weight_tie.hpp"
#include "plasticity/weight_owning_rule.hpp"

namespace spikeq::plasticity {

class tied_weights final : public weight_owning_rule, public tied_weight_sink {
 public:
  explicit tied_weights(std::span<weight_type> table) : weight_owning_rule(table, {-1e300, 1e300}) {}

  void on_pre_arrival(tick_type, std::uint64_t, std::uint64_t) override {}
  void on_post_arrival(tick_type, neuron_id_type, std::span<const std::uint64_t>) override {}
  // Synapse s follows its source: changes are logged, the table refreshed.
  void set(std::uint64_t s, double w, tick_type now) override {
    if (w == w_[s]) return;
    w_[s] = keeper_.clip_and_log(s, w, now);
    keeper_.sync(s, w_[s]);
  }
  void state(state_archive& ar) override {
    ar.begin_section("tied");
    ar.expect(w_.size(), "synapses");
    ar.block(w_);
    for (std::uint64_t s = 0; s < w_.size(); ++s) keeper_.sync(s, w_[s]);
    ar.end_section();
  }
};

}  // namespace spikeq::plasticity
