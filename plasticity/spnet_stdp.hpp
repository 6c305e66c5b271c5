// Izhikevich's STDP from spnet (Izhikevich 2006, Neural Comput. 18:245; rules.md §6),
// on his fixed step (1 ms): nearest-spike traces that decay by `trace_decay` per
// step; changes go into a derivative sd, and every `update_interval` the weights
// move by drift + sd, are clipped, and sd decays by `derivative_decay`.
//   post spike at t:     sd += A+ * trace_decay^((t - a) / step), a = the last
//                        presynaptic arrival at or before t (an input delivered in
//                        the step ending at t counts as causal, as in spnet)
//   pre arrival at a:    sd -= A- * trace_decay^((a - step - t) / step), t = the last
//                        postsynaptic spike before a (spnet reads its trace at the
//                        start of the step in which the spike arrives)
// The convention is axonal (all delay before the synapse).
#pragma once

#include <span>
#include <vector>

#include "plasticity/weight_keeper.hpp"
#include "plasticity/weight_snapshot.hpp"

namespace spikeq::plasticity {

struct spnet_stdp_parameters {
  double A_plus = 0.1;
  double A_minus = 0.12;
  double trace_decay = 0.95;  // per step
  double step_ms = 1.0;
  double update_interval_ms = 1000.0;
  double drift = 0.01;            // added to every weight at each update
  double derivative_decay = 0.9;  // sd *= this after each update
  weight_bounds bounds{0.0, 10.0};
};

class spnet_stdp_rule final : public plasticity_rule {
 public:
  // REQUIRES: step_ms and update_interval_ms whole, positive numbers of ticks.
  spnet_stdp_rule(const spnet_stdp_parameters& p, double ms_per_tick, std::span<weight_type> table);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  tick_type tick_interval() const override { return update_ticks_; }
  void on_tick(tick_type now, std::span<const std::uint64_t> synapses) override;
  double weight(std::uint64_t s) const override { return state_[s].w; }
  std::span<const double> weights() const override { return gather_weights(state_, snapshot_); }
  void set_change_log(weight_change_log* log) override { w_.set_log(log); }
  void set_learning_schedule(const step_series* schedule) override { w_.set_learning_schedule(schedule); }
  void state(state_archive& ar) override;

  // The derivative sd of synapse s (weight change waiting for the next update).
  double derivative(std::uint64_t s) const { return state_[s].sd; }

 private:
  double decayed(double amplitude, tick_type elapsed) const;  // amplitude * trace_decay^(elapsed/step)

  spnet_stdp_parameters p_;
  tick_type step_ticks_;
  tick_type update_ticks_;
  std::vector<double> decay_per_steps_;  // trace_decay^k for small k
  weight_keeper w_;
  struct synapse_state {
    double w;
    double sd;
    tick_type t_pre, t_post;
  };
  std::vector<synapse_state> state_;
  mutable std::vector<double> snapshot_;
};

}  // namespace spikeq::plasticity
