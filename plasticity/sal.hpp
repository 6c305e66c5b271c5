// Spike-based alignment learning (SAL; Gierlich et al. 2025, rules.md §3): an
// antisymmetric spike-timing window,
//   K(dt) = -a_causal     * exp(-dt / tau_causal)        dt = t_post - t_pre > 0
//   K(dt) = +a_anticausal * exp( dt / tau_anticausal)    dt < 0,   K(0) = 0,
// or its triangular variant (-a_c (1 - dt/tau_c) inside tau_c, +a_a (1 + dt/tau_a)
// inside tau_a). Every spike pairs with the other neuron's last k spikes before it
// (the paper code's pairbased_stdp; k = 1: nearest), so a pair is counted once,
// when its later spike happens. Spikes of the two neurons in the same step are not
// partners (K(0) = 0) and do not displace earlier ones from each other's window;
// the paper code instead lets the later-listed neuron's spike see the earlier one's,
// an order artefact that would break the pair's conservation.
//
// Frame. SAL compares the two neurons' spike times, not arrival times at the
// synapse: the postsynaptic spike is presented to synapse s after the same delay
// d(s) as the presynaptic one (the projection's post_index uses offsets d(s)), so
// both sides reach the synapse shifted by d(s) and their differences are the
// neurons' own. On a reciprocal pair of projections with equal windows, the pair
// (t_j < t_i) then gives synapse j->i exactly -k and synapse i->j exactly +k, and
// W_ij + W_ji is conserved to rounding whatever the two delays are.
//
// Application: immediately (w += eta * K per pair), or accumulated and applied at
// given ticks (the ends of the projection's learning phases and trials, or every
// `period`) as w += eta * sum(K) * normalization / (learning time since the last
// application) — the sampling-network code's stdp / duration * t_ref.
//
// Thread safety: all state is per synapse; application ticks are read-only.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "plasticity/weight_owning_rule.hpp"
#include "plasticity/weight_snapshot.hpp"

namespace spikeq::plasticity {

enum class sal_kernel { exponential, triangular };

struct sal_parameters {
  sal_kernel kernel = sal_kernel::exponential;
  double a_causal = 1.0;  // magnitude of the depression of pre-before-post pairs
  double a_anticausal = 1.0;
  double tau_causal_ms = 10.0;
  double tau_anticausal_ms = 10.0;
  std::uint32_t last_spikes = 1;  // k
  double eta = 1e-3;
  bool accumulate = false;
  // Accumulated: the sum is scaled by normalization_ms / (learning time of the
  // accumulation); 0: not scaled.
  double normalization_ms = 0.0;
  weight_bounds bounds{-1e9, 1e9};
  // Plasticity noise (the sampling-network code's noised amplitudes): synapse s's
  // window is scaled by amplitude[s] (storage order; noised_amplitudes). Empty: all 1.
  std::vector<double> amplitude;
};

// The amplitudes 1 + sigma x (x ~ N(0, 1) truncated to |x| <= 1.5, by rejection) of
// the synapses whose ids (canonical edge ids, so that the draw does not depend on the
// shard layout) are `synapse_id`, one stream per synapse keyed by (seed, object, id).
std::vector<double> noised_amplitudes(double sigma, std::uint64_t seed, std::uint32_t object,
                                      std::span<const std::uint64_t> synapse_id);

// K(dt) for dt in ms (exposed for tests and the reference implementation).
double sal_window(const sal_parameters& p, double dt_ms);

class sal_rule final : public weight_owning_rule {
 public:
  // `apply_ticks` (accumulated only): ascending ticks at which accumulated changes
  // are applied; `period_ticks` > 0 instead applies them every period. One of the
  // two is required when accumulating.
  sal_rule(const sal_parameters& p, double ms_per_tick, std::span<weight_type> table,
           std::vector<tick_type> apply_ticks = {}, tick_type period_ticks = 0);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  tick_type tick_interval() const override { return tick_interval_; }
  void on_tick(tick_type now, std::span<const std::uint64_t> synapses) override;
  void state(state_archive& ar) override;

  // The summed window values not yet applied (accumulated mode).
  double pending(std::uint64_t s) const { return pending_[s]; }
  // Synapse s's window amplitude factor (1 without plasticity noise).
  double amplitude(std::uint64_t s) const { return amplitude_.empty() ? 1.0 : amplitude_[s]; }

 private:
  // Sum of K over the k spikes in `history` (oldest first) for a spike at `now`;
  // `sign` +1 when `now` is the postsynaptic spike, -1 when it is the presynaptic.
  double pair_sum(const tick_type* history, tick_type now, int sign) const;
  static void push(tick_type* history, std::uint32_t k, tick_type now);
  void learn(std::uint64_t s, double sum, tick_type now);
  bool applies_at(tick_type now) const;
  tick_type last_application_before(tick_type now) const;
  double learning_ticks(tick_type from, tick_type to) const;

  sal_parameters p_;
  double ms_per_tick_;
  std::vector<double> pending_;
  std::vector<double> amplitude_;  // empty: all 1
  // Per synapse the last k + 1 presynaptic and postsynaptic spikes (frame ticks), oldest first.
  std::vector<tick_type> pre_history_;
  std::vector<tick_type> post_history_;
  std::vector<tick_type> apply_ticks_;
  tick_type period_ticks_ = 0;
  tick_type tick_interval_ = 0;
};

}  // namespace spikeq::plasticity
