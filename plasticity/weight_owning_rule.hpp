// The part every rule shares that keeps its weights itself in double precision
// (weight_keeper.hpp): the weights, initialised from the synapse table, read back
// through weight()/weights(), and the change log and learning schedule handed to
// the keeper. Rules derive from it and only add their learning.
#pragma once

#include <span>
#include <vector>

#include "plasticity/weight_keeper.hpp"

namespace spikeq::plasticity {

class weight_owning_rule : public plasticity_rule {
 public:
  double weight(std::uint64_t s) const override { return w_[s]; }
  std::span<const double> weights() const override { return w_; }
  void set_change_log(weight_change_log* log) override { keeper_.set_log(log); }
  void set_learning_schedule(const step_series* schedule) override {
    keeper_.set_learning_schedule(schedule);
  }

 protected:
  // Throws std::invalid_argument when an initial weight lies outside `bounds`.
  weight_owning_rule(std::span<weight_type> table, weight_bounds bounds)
      : keeper_(table, bounds), w_(table.begin(), table.end()) {}

  weight_keeper keeper_;
  std::vector<double> w_;  // per synapse, table order
};

}  // namespace spikeq::plasticity
