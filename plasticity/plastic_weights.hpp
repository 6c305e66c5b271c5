// Weights of a plastic projection: double precision values owned by the rule,
// mirrored into the synapse table's float weights that delivery reads, kept within
// the rule's bounds, and optionally logged.
//
// Invariants: w_min <= weight(i) <= w_max for every i after construction;
// table[i] == float(weight(i)).
#pragma once

#include <algorithm>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/plasticity_rule.hpp"

namespace spikeq::plasticity {

struct weight_bounds {
  double w_min = 0.0;
  double w_max = 1.0;
};

class plastic_weights {
 public:
  // Takes the initial weights from `table`, which must outlive this object.
  // Throws std::invalid_argument when an initial weight lies outside the bounds.
  plastic_weights(std::span<weight_type> table, weight_bounds bounds) : table_(table), bounds_(bounds) {
    if (!(bounds.w_min <= bounds.w_max))
      throw std::invalid_argument("the lower weight bound exceeds the upper one");
    w_.assign(table.begin(), table.end());
    for (const double w : w_)
      if (w < bounds.w_min || w > bounds.w_max) {
        std::ostringstream message;
        message << "initial weight " << w << " lies outside the rule's bounds [" << bounds.w_min << ", "
                << bounds.w_max << "] (Wmin, Wmax)";
        throw std::invalid_argument(message.str());
      }
  }

  double operator[](std::uint64_t i) const { return w_[i]; }
  std::uint64_t size() const { return w_.size(); }
  const weight_bounds& bounds() const { return bounds_; }
  std::span<const double> values() const { return w_; }

  // Stores `w` clipped to the bounds (NEST clips after every update).
  void set(std::uint64_t i, double w, tick_type now) {
    w = std::clamp(w, bounds_.w_min, bounds_.w_max);
    w_[i] = w;
    table_[i] = static_cast<weight_type>(w);
    if (log_ != nullptr) log_->append(now, i, w);
  }
  void set_log(weight_change_log* log) { log_ = log; }

 private:
  std::span<weight_type> table_;
  weight_bounds bounds_;
  std::vector<double> w_;
  weight_change_log* log_ = nullptr;
};

}  // namespace spikeq::plasticity
