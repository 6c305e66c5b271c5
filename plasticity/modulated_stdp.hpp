// Three-factor STDP: an STDP eligibility trace gated by a neuromodulator
// (rules.md §5.1-5.4). One mechanism serves two published rules:
//   - dopamine_stdp: NEST's stdp_dopamine_synapse (Potjans et al. 2010), and
//     Izhikevich 2007's DA-STDP as a preset (his per-step constants converted to
//     continuous time, docs/models/three_factor.md);
//   - rstdp: Florian 2007's MSTDPET, with tau_c = tau_z and the reward as modulator.
//
//   at a postsynaptic spike:   c += A+ x(t)      x: presynaptic trace (tau_plus)
//   at a presynaptic arrival:  c -= A- y(t)      y: postsynaptic trace (tau_minus)
//   between events:            dc/dt = -c / tau_c
//                              dw/dt = gain * c(t) * (M(t) - baseline)
// with M the level of the rule's channel (core/neuromodulation.hpp). Traces add 1
// per spike (all-to-all) or are set to 1 (nearest spike, Izhikevich's code).
//
// Exact and lazy: a synapse integrates dw/dt in closed form from its last event to
// the next, splitting the interval at the channel's releases (NEST's formula,
// rules.md §5.3), so a release costs nothing until a synapse is touched. The weight
// is clipped to [Wmin, Wmax] at the end of every piece (NEST clips at each dopamine
// spike and each STDP step); as long as no bound is reached, the weights do not
// depend on how often a synapse is touched.
//
// Time frame (core/plasticity_rule.hpp): a synapse with dendritic delay d_den sees
// its events shifted by +d_den, so it reads the modulator at (its time - d_den):
// model time, as in NEST, where dopamine reaches the synapse without a dendritic
// delay.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "core/neuromodulation.hpp"
#include "plasticity/decay_table.hpp"
#include "plasticity/stdp_pair.hpp"
#include "plasticity/trace.hpp"
#include "plasticity/weight_keeper.hpp"
#include "plasticity/weight_snapshot.hpp"

namespace spikeq::plasticity {

struct modulated_stdp_parameters {
  double A_plus = 1.0;   // eligibility per causal pair (NEST A_plus)
  double A_minus = 1.5;  // eligibility removed per anti-causal pair (NEST A_minus)
  double tau_plus_ms = 20.0;
  double tau_minus_ms = 20.0;
  double tau_c_ms = 1000.0;  // eligibility decay
  double gain_per_ms = 1.0;  // dw/dt per unit of c * (M - baseline)
  double baseline = 0.0;     // NEST b
  trace_update traces = trace_update::add_one;
  weight_bounds bounds{0.0, 200.0};
};

// NEST 3's stdp_dopamine_synapse defaults (tau_minus is the postsynaptic neuron's,
// 20 ms by default; tau_n belongs to the channel).
modulated_stdp_parameters nest_dopamine_stdp();
// Izhikevich 2007 (daspnet.m), per-step constants in continuous time: traces set
// to 0.1 at a spike and multiplied by 0.95 per 1 ms step (tau = -1 ms / ln 0.95 =
// 19.5 ms; A+ = 0.1 and A- = 1.5 * 0.1 with unit traces); sd *= 0.99 every 10 ms
// (tau_c = -10 ms / ln 0.99 = 995 ms); every 10 ms w += (0.002 + DA) * sd, i.e.
// dw/dt = 0.1/ms * c * M with M = 0.002 (tonic) + DA; weights in [0, 4]. The
// channel carries DA: tau = -1 ms / ln 0.995 = 199.5 ms, tonic 0.002, reward 0.5.
modulated_stdp_parameters izhikevich_2007_dopamine_stdp();

class modulated_stdp_rule final : public plasticity_rule {
 public:
  // `dendritic_ticks`: per-synapse dendritic delay (empty: all 0; one value: all
  // equal). `channel` must outlive the rule.
  modulated_stdp_rule(const modulated_stdp_parameters& p, double ms_per_tick, std::span<weight_type> table,
                      const modulator_channel& channel, std::vector<tick_type> dendritic_ticks,
                      std::optional<shared_post_side> shared = std::nullopt);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  double weight(std::uint64_t s) const override { return state_[s].w; }
  double weight_at(std::uint64_t s, tick_type now) const override;
  std::span<const double> weights() const override { return gather_weights(state_, snapshot_); }
  void set_change_log(weight_change_log* log) override { w_.set_log(log); }
  void set_learning_schedule(const step_series* schedule) override { w_.set_learning_schedule(schedule); }
  void state(state_archive& ar) override;
  void complete(tick_type now) override;

  // Integrates `synapses` up to `now` (what every event does first).
  void advance_to(tick_type now, std::span<const std::uint64_t> synapses);
  double eligibility(std::uint64_t s) const { return state_[s].c; }

 private:
  // 32 bytes, aligned, so that the random accesses of postsynaptic spikes touch one cache
  // line per synapse. The presynaptic trace is kept at the synapse's last event
  // (not at its last presynaptic spike), so one tick serves both.
  struct alignas(32) synapse_state {
    double w;
    double c;         // eligibility at last()
    double x;         // presynaptic trace at last(), without a spike arriving at last()
    tick_type stamp;  // 2 * last() + 1 if a presynaptic spike arrived at last()
    tick_type last() const { return stamp >> 1; }
    bool pre_at_last() const { return (stamp & 1) != 0; }
  };
  static_assert(sizeof(synapse_state) == 32);
  struct post_state {
    double y_before;
    tick_type t_post;
  };
  tick_type dendritic(std::uint64_t s) const {
    return dendritic_.size() > 1 ? dendritic_[s] : (dendritic_.empty() ? 0 : dendritic_[0]);
  }
  std::uint64_t post_slot(std::uint64_t s) const { return targets_.empty() ? s : targets_[s]; }
  // Integrates w and c of `st` over model time (from, to] (the synapse's frame
  // shifted back by its dendritic delay); returns the new weight, clipped.
  void integrate(synapse_state& st, tick_type from, tick_type to) const;
  void advance(std::uint64_t s, tick_type now);
  // The postsynaptic trace at `now` (trace_at with the tabulated decay).
  double post_trace(const post_state& post, tick_type now) const;

  modulated_stdp_parameters p_;
  double inv_tau_plus_;   // per tick
  double inv_tau_minus_;  // per tick
  double inv_tau_c_;      // per tick
  double inv_tau_sum_;    // 1/tau_c + 1/tau_n, per tick
  double gain_per_tick_;
  // The same decays, tabulated per whole tick (the hot paths' exp and expm1).
  decay_table plus_, minus_, c_, sum_, n_;
  const modulator_channel& channel_;
  std::vector<tick_type> dendritic_;
  weight_keeper w_;
  std::vector<synapse_state> state_;
  std::vector<post_state> post_;
  std::span<const neuron_id_type> targets_;  // empty: post_ is per synapse
  mutable std::vector<double> snapshot_;
};

}  // namespace spikeq::plasticity
