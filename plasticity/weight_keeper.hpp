// What every plastic rule does with a weight besides learning: keep it within the
// rule's bounds, log changes when the run records them, and refresh the float copy
// in the synapse table that delivery reads. The double-precision weights live in the
// rule's own per-synapse records (next to the traces they are updated with, so that
// a postsynaptic update touches one record).
//
// The float copy is refreshed only where delivery reads it: a rule calls sync for a
// block at the end of on_pre_arrival (the block is delivered right after), and for
// every synapse after a periodic update.
// Invariants: w_min <= w <= w_max for every weight a rule holds (checked for the
// initial weights by the constructor, kept by clip_and_log); table[i] == float(w_i)
// whenever synapse i delivers a spike.
#pragma once

#include <algorithm>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/plasticity_rule.hpp"
#include "core/trial_protocol.hpp"

namespace spikeq::plasticity {

struct weight_bounds {
  double w_min = 0.0;
  double w_max = 1.0;
};

class weight_keeper {
 public:
  // `table` holds the initial weights and must outlive this object. Throws
  // std::invalid_argument when an initial weight lies outside the bounds.
  weight_keeper(std::span<weight_type> table, weight_bounds bounds) : table_(table), bounds_(bounds) {
    if (!(bounds.w_min <= bounds.w_max))
      throw std::invalid_argument("the lower weight bound exceeds the upper one");
    for (const double w : table)
      if (w < bounds.w_min || w > bounds.w_max) {
        std::ostringstream message;
        message << "initial weight " << w << " lies outside the rule's bounds [" << bounds.w_min << ", "
                << bounds.w_max << "] (Wmin, Wmax)";
        throw std::invalid_argument(message.str());
      }
  }

  std::uint64_t size() const { return table_.size(); }
  double initial(std::uint64_t i) const { return table_[i]; }
  const weight_bounds& bounds() const { return bounds_; }

  // `w` clipped to the bounds (NEST clips after every update), logged as synapse i's
  // new weight at `now` when a log is attached.
  double clip_and_log(std::uint64_t i, double w, tick_type now) {
    w = std::clamp(w, bounds_.w_min, bounds_.w_max);
    if (log_ != nullptr) log_->append(now, i, w);
    return w;
  }
  // The weight after a rule proposes `proposed` for synapse i at `now`: `current`
  // while the learning schedule has learning off at `now`, else proposed clipped
  // and logged.
  double update(std::uint64_t i, double current, double proposed, tick_type now) {
    if (!learning(now)) return current;
    return clip_and_log(i, proposed, now);
  }
  // Whether weights may change at `now` (protocol phases; always without a schedule).
  bool learning(tick_type now) const { return schedule_ == nullptr || schedule_->at(now) > 0.0; }
  void set_learning_schedule(const step_series* schedule) { schedule_ = schedule; }
  const step_series* learning_schedule() const { return schedule_; }
  void sync(std::uint64_t i, double w) { table_[i] = static_cast<weight_type>(w); }
  void set_log(weight_change_log* log) { log_ = log; }

 private:
  std::span<weight_type> table_;
  weight_bounds bounds_;
  weight_change_log* log_ = nullptr;
  const step_series* schedule_ = nullptr;
};

}  // namespace spikeq::plasticity
