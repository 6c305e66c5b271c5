// Triplet STDP (Pfister & Gerstner 2006; rules.md §1.4), all-to-all or
// nearest-spike interaction, with the paper's fitted parameter sets by name.
//   pre spike at t:   w -= o1(t) [A2- + A3- r2(t - eps)];  r1, r2 += 1 (or := 1)
//   post spike at t:  w += r1(t) [A2+ + A3+ o2(t - eps)];  o1, o2 += 1 (or := 1)
// Weights change additively and are clipped to the bounds after every update (NEST's
// stdp_triplet_synapse). Equal-time pre/post pairs contribute nothing.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "plasticity/decay_table.hpp"
#include "plasticity/trace.hpp"
#include "plasticity/weight_keeper.hpp"
#include "plasticity/weight_snapshot.hpp"

namespace spikeq::plasticity {

struct stdp_triplet_parameters {
  double tau_plus_ms = 16.8;   // r1
  double tau_x_ms = 101.0;     // r2
  double tau_minus_ms = 33.7;  // o1
  double tau_y_ms = 125.0;     // o2
  double A2_plus = 5e-10;
  double A3_plus = 6.2e-3;
  double A2_minus = 7e-3;
  double A3_minus = 2.3e-4;
  bool nearest = false;  // nearest-spike interaction (traces set to 1)
  weight_bounds bounds;
};

// A published parameter set of Pfister & Gerstner 2006, Table 3 (visual cortex,
// fitted to Sjostrom et al. 2001) or Table 4 (hippocampal cultures, Wang et al.
// 2005): sets the four amplitudes, tau_x, tau_y and the interaction; leaves the
// bounds. Names: visual_cortex_{all_to_all,nearest}[_minimal],
// hippocampal_{all_to_all,nearest}[_minimal]. Returns false for an unknown name.
bool apply_triplet_parameter_set(const std::string& name, stdp_triplet_parameters& p);
// The names apply_triplet_parameter_set accepts.
std::span<const char* const> triplet_parameter_set_names();

class stdp_triplet_rule final : public plasticity_rule {
 public:
  stdp_triplet_rule(const stdp_triplet_parameters& p, double ms_per_tick, std::span<weight_type> table);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  double weight(std::uint64_t s) const override { return state_[s].w; }
  std::span<const double> weights() const override { return gather_weights(state_, snapshot_); }
  void set_change_log(weight_change_log* log) override { w_.set_log(log); }
  void set_learning_schedule(const step_series* schedule) override { w_.set_learning_schedule(schedule); }
  void state(state_archive& ar) override;

 private:
  stdp_triplet_parameters p_;
  trace_update update_;
  // exp(-ticks / tau) of the four detectors: tables, not a call per synapse.
  decay_table plus_decay_, x_decay_, minus_decay_, y_decay_;
  weight_keeper w_;
  // One record per synapse: the weight and the detectors, each stored as its value
  // just before its side's last spike.
  struct synapse_state {
    double w;
    double r1_before, r2_before, o1_before, o2_before;
    tick_type t_pre, t_post;
  };
  std::vector<synapse_state> state_;
  mutable std::vector<double> snapshot_;
};

}  // namespace spikeq::plasticity
