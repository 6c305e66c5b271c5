// Sleep-phase Boltzmann learning with spikes (Gierlich et al. 2025, rules.md §3.5;
// the sampling-network code scripts/ssn/train_bm.py): a fully, reciprocally connected
// population of glm_sampling neurons learns the weights and biases of a target
// Boltzmann distribution from its own spikes. Per iteration (an application tick,
// the end of a protocol trial) of learning time T:
//   S_s = sum over nearest pairs of a_s * max(0, 1 - |dt| / tau)     (symmetric window)
//   w_s += eta_w * (C*_s - S_s * normalization / T)                  clipped to [Wmin, Wmax]
//   b_i += eta_b * (p*_i - n_i * normalization / T)                  clipped to [bmin, bmax]
// with C*_s = <z_i z_j> of the target for synapse s = (j -> i), p*_i = p(z_i = 1), n_i
// the spikes of neuron i in the iteration, and a_s = 1 + sigma x (x ~ N(0, 1) truncated
// to |x| <= 1.5) per synapse: the plasticity noise that makes W_ij and W_ji drift
// apart. Optionally SAL on the same pairs (triangular window, own noised amplitudes):
//   w_s += eta_sal * A_s * normalization / T,  A_s = sum of s_s * K_sal(dt).
// The two increments are added before clipping, as the paper code does.
//
// Frame and pairing as SAL's (plasticity/sal.hpp): both spikes reach synapse s after
// its delay; each spike pairs with the other neuron's last spike; spikes in the same
// step are not partners.
//
// Biases: a per-neuron parameter of the population; the rule owns the learning rule
// and changes them through bias_access at application ticks, each neuron's bias from
// the shard that owns the neuron's synapses (the first synapse ending on it).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/plasticity_rule.hpp"
#include "plasticity/weight_owning_rule.hpp"

namespace spikeq::plasticity {

struct boltzmann_sleep_parameters {
  double tau_ms = 10.0;            // window width (the neurons' t_ref)
  double normalization_ms = 10.0;  // t_ref: the estimate is S * t_ref / T
  double eta_weight = 1e-3;
  double eta_bias = 1e-3;
  double eta_sal = 0.0;  // 0: no SAL
  // Per synapse (storage order) the noised amplitudes of the two windows
  // (plasticity/sal.hpp's noised_amplitudes); empty: all 1.
  std::vector<double> hebbian_amplitude;
  std::vector<double> sal_amplitude;
  weight_bounds bounds{-2.0, 2.0};
  double bias_min = -2.0;
  double bias_max = 2.0;
};

// Exact statistics of the Boltzmann distribution p(z) ~ exp(z'Wz/2 + b'z) over all
// 2^N binary states (N <= 20): coactivation[i * N + j] = <z_i z_j> (diagonal 0),
// marginal[i] = p(z_i = 1), probability[state] with z_i the bit N - 1 - i of the state
// (the paper code's bm_to_probs order). W: N x N row-major, symmetric.
struct boltzmann_statistics {
  std::vector<double> probability, coactivation, marginal;
};
boltzmann_statistics exact_boltzmann_statistics(std::span<const double> w, std::span<const double> b);

// Adds to neuron n's bias (population index), clipping to [lo, hi]; returns the new bias.
using bias_access = std::function<double(neuron_id_type n, double delta, double lo, double hi)>;

class boltzmann_sleep_hebbian_rule final : public weight_owning_rule {
 public:
  // target[s]: the target neuron of synapse s (population index); coactivation[s]:
  // C*_s; marginal[n]: p*_n for the target population's neurons.
  boltzmann_sleep_hebbian_rule(const boltzmann_sleep_parameters& p, double ms_per_tick,
                               std::span<weight_type> table, std::span<const neuron_id_type> target,
                               std::vector<double> coactivation, std::vector<double> marginal,
                               bias_access bias, std::vector<tick_type> apply_ticks);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type now, neuron_id_type target,
                       std::span<const std::uint64_t> synapses) override;
  tick_type tick_interval() const override { return tick_interval_; }
  void on_tick(tick_type now, std::span<const std::uint64_t> synapses) override;
  void state(state_archive& ar) override;

  double hebbian_amplitude(std::uint64_t s) const { return a_hebb_.empty() ? 1.0 : a_hebb_[s]; }
  double sal_amplitude(std::uint64_t s) const { return a_sal_.empty() ? 1.0 : a_sal_[s]; }

 private:
  void pair(std::uint64_t s, tick_type dt_ticks, int sign, tick_type now);

  boltzmann_sleep_parameters p_;
  double ms_per_tick_;
  std::vector<neuron_id_type> target_;
  std::vector<double> coactivation_;
  std::vector<double> marginal_;
  bias_access bias_;
  std::vector<double> a_hebb_, a_sal_;  // empty: all 1
  std::vector<double> hebb_sum_, sal_sum_;
  std::vector<tick_type> last_pre_, last_post_;
  // Spikes per target neuron since the last application, counted by the neuron's first synapse.
  std::vector<std::uint64_t> spikes_;
  std::vector<std::uint8_t> counts_neuron_;  // 1: synapse s is the first one ending on its target
  std::vector<tick_type> apply_ticks_;
  tick_type tick_interval_ = 0;
};

}  // namespace spikeq::plasticity
