// A rule that never changes a weight: the comparison baseline that still goes
// through every plasticity hook, and a way to record a static projection's
// weights like a plastic one's.
#pragma once

#include <span>
#include <vector>

#include "plasticity/weight_keeper.hpp"

namespace spikeq::plasticity {

class static_rule final : public plasticity_rule {
 public:
  static_rule(std::span<weight_type> table, weight_bounds bounds)
      : w_(table, bounds), weights_(table.begin(), table.end()) {}

  void on_pre_arrival(tick_type, std::uint64_t, std::uint64_t) override {}
  void on_post_arrival(tick_type, neuron_id_type, std::span<const std::uint64_t>) override {}
  double weight(std::uint64_t s) const override { return weights_[s]; }
  std::span<const double> weights() const override { return weights_; }
  void set_change_log(weight_change_log* log) override { w_.set_log(log); }
  void set_learning_schedule(const step_series* schedule) override { w_.set_learning_schedule(schedule); }
  // Static weights never change: only the synapse count is checked.
  void state(state_archive& ar) override {
    ar.begin_section("static");
    ar.expect(weights_.size(), "synapses");
    ar.end_section();
  }

 private:
  weight_keeper w_;
  std::vector<double> weights_;
};

}  // namespace spikeq::plasticity
