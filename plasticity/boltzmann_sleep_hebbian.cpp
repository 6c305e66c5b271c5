#include "plasticity/boltzmann_sleep_hebbian.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "plasticity/archive_records.hpp"
#include "plasticity/sal.hpp"
#include "plasticity/trace.hpp"

namespace spikeq::plasticity {

boltzmann_statistics exact_boltzmann_statistics(std::span<const double> w, std::span<const double> b) {
  const std::size_t n = b.size();
  if (n == 0 || n > 20 || w.size() != n * n)
    throw std::invalid_argument("boltzmann statistics: N x N weights and N <= 20 biases needed");
  boltzmann_statistics out;
  const std::size_t states = std::size_t{1} << n;
  out.probability.resize(states);
  out.coactivation.assign(n * n, 0.0);
  out.marginal.assign(n, 0.0);
  std::vector<double> z(n);
  double max_log = -1e300;
  std::vector<double> log_p(states);
  for (std::size_t k = 0; k < states; ++k) {
    for (std::size_t i = 0; i < n; ++i) z[i] = static_cast<double>((k >> (n - 1 - i)) & 1u);
    double e = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (z[i] == 0.0) continue;
      e += b[i];
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) e += 0.5 * w[i * n + j] * z[j];
    }
    log_p[k] = e;
    max_log = std::max(max_log, e);
  }
  double total = 0.0;
  for (std::size_t k = 0; k < states; ++k) total += out.probability[k] = std::exp(log_p[k] - max_log);
  for (std::size_t k = 0; k < states; ++k) {
    const double p = out.probability[k] /= total;
    for (std::size_t i = 0; i < n; ++i) {
      if (((k >> (n - 1 - i)) & 1u) == 0) continue;
      out.marginal[i] += p;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i && ((k >> (n - 1 - j)) & 1u)) out.coactivation[i * n + j] += p;
    }
  }
  return out;
}

boltzmann_sleep_hebbian_rule::boltzmann_sleep_hebbian_rule(const boltzmann_sleep_parameters& p,
                                                           double ms_per_tick, std::span<weight_type> table,
                                                           std::span<const neuron_id_type> target,
                                                           std::vector<double> coactivation,
                                                           std::vector<double> marginal, bias_access bias,
                                                           std::vector<tick_type> apply_ticks)
    : weight_owning_rule(table, p.bounds),
      p_(p),
      ms_per_tick_(ms_per_tick),
      target_(target.begin(), target.end()),
      coactivation_(std::move(coactivation)),
      marginal_(std::move(marginal)),
      bias_(std::move(bias)),
      hebb_sum_(table.size(), 0.0),
      sal_sum_(table.size(), 0.0),
      last_pre_(2 * table.size(), no_spike),
      last_post_(2 * table.size(), no_spike),
      spikes_(marginal_.size(), 0),
      counts_neuron_(table.size(), 0),
      apply_ticks_(std::move(apply_ticks)) {
  if (!(p.tau_ms > 0.0) || !(p.normalization_ms > 0.0))
    throw std::invalid_argument("boltzmann_sleep_hebbian: tau and normalization must be positive");
  if (coactivation_.size() != table.size() || target_.size() != table.size())
    throw std::invalid_argument("boltzmann_sleep_hebbian: one target coactivation per synapse needed");
  if (apply_ticks_.empty())
    throw std::invalid_argument("boltzmann_sleep_hebbian: needs protocol trials to apply its changes at");
  if (!std::is_sorted(apply_ticks_.begin(), apply_ticks_.end()) || apply_ticks_.front() <= 0)
    throw std::invalid_argument("boltzmann_sleep_hebbian: application ticks must be positive and ascending");
  a_hebb_ = p.hebbian_amplitude;
  a_sal_ = p.sal_amplitude;
  if ((!a_hebb_.empty() && a_hebb_.size() != w_.size()) || (!a_sal_.empty() && a_sal_.size() != w_.size()))
    throw std::invalid_argument("boltzmann_sleep_hebbian: one amplitude per synapse is needed");
  std::vector<std::uint8_t> seen(marginal_.size(), 0);
  for (std::uint64_t s = 0; s < target_.size(); ++s) {
    if (target_[s] >= marginal_.size())
      throw std::invalid_argument("boltzmann_sleep_hebbian: a target outside the population");
    if (!seen[target_[s]]) counts_neuron_[s] = seen[target_[s]] = 1;
  }
  tick_interval_ = std::accumulate(apply_ticks_.begin(), apply_ticks_.end(), tick_type{0},
                                   [](tick_type g, tick_type t) { return std::gcd(g, t); });
}

// dt_ticks > 0: the later spike's distance from its nearest partner; sign +1 when the
// later spike is the postsynaptic one (causal for SAL), -1 when presynaptic.
void boltzmann_sleep_hebbian_rule::pair(std::uint64_t s, tick_type dt_ticks, int sign, tick_type now) {
  if (!keeper_.learning(now)) return;
  const double dt_ms = static_cast<double>(dt_ticks) * ms_per_tick_;
  if (!(dt_ms < p_.tau_ms)) return;
  const double tri = 1.0 - dt_ms / p_.tau_ms;
  hebb_sum_[s] += (a_hebb_.empty() ? 1.0 : a_hebb_[s]) * tri;
  // SAL's triangular window: causal pairs depress, anti-causal ones potentiate.
  if (p_.eta_sal > 0.0) sal_sum_[s] += (a_sal_.empty() ? 1.0 : a_sal_[s]) * (sign > 0 ? -tri : tri);
}

void boltzmann_sleep_hebbian_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) {
    const tick_type partner = latest_before(last_post_[2 * s], last_post_[2 * s + 1], now);
    if (partner != no_spike) pair(s, now - partner, -1, now);
    if (last_pre_[2 * s] != now) {
      last_pre_[2 * s + 1] = last_pre_[2 * s];
      last_pre_[2 * s] = now;
    }
  }
}

void boltzmann_sleep_hebbian_rule::on_post_arrival(tick_type now, neuron_id_type target,
                                                   std::span<const std::uint64_t> synapses) {
  bool counted = false;
  for (const std::uint64_t s : synapses) {
    const tick_type partner = latest_before(last_pre_[2 * s], last_pre_[2 * s + 1], now);
    if (partner != no_spike) pair(s, now - partner, +1, now);
    if (last_post_[2 * s] != now) {
      last_post_[2 * s + 1] = last_post_[2 * s];
      last_post_[2 * s] = now;
    }
    if (counts_neuron_[s] && !counted && keeper_.learning(now)) {
      ++spikes_[target];
      counted = true;
    }
  }
}

void boltzmann_sleep_hebbian_rule::on_tick(tick_type now, std::span<const std::uint64_t> synapses) {
  if (!std::binary_search(apply_ticks_.begin(), apply_ticks_.end(), now)) return;
  const auto it = std::lower_bound(apply_ticks_.begin(), apply_ticks_.end(), now);
  const tick_type since = it == apply_ticks_.begin() ? 0 : *std::prev(it);
  const double scale = p_.normalization_ms / (static_cast<double>(now - since) * ms_per_tick_);
  for (const std::uint64_t s : synapses) {
    // The paper code's order: W += lr_w (C* - stdp / dur * t_ref) + lr_symm (sal / dur * t_ref).
    const double hebb = p_.eta_weight * (coactivation_[s] - hebb_sum_[s] * scale);
    const double sal = p_.eta_sal * (sal_sum_[s] * scale);
    hebb_sum_[s] = 0.0;
    sal_sum_[s] = 0.0;
    w_[s] = keeper_.clip_and_log(s, w_[s] + hebb + sal, now);
    keeper_.sync(s, w_[s]);
    if (counts_neuron_[s]) {
      const neuron_id_type n = target_[s];
      const double rate_term = static_cast<double>(spikes_[n]) * scale;
      spikes_[n] = 0;
      if (bias_) bias_(n, p_.eta_bias * (marginal_[n] - rate_term), p_.bias_min, p_.bias_max);
    }
  }
}

// The neurons' biases live in the target population, which saves them itself.
void boltzmann_sleep_hebbian_rule::state(state_archive& ar) {
  ar.begin_section("boltzmann_sleep_hebbian");
  ar.expect(marginal_.size(), "target neurons");
  archive_fixed_block(ar, w_, "synapses");
  archive_fixed_block(ar, hebb_sum_, "accumulated Hebbian changes");
  archive_fixed_block(ar, sal_sum_, "accumulated SAL changes");
  archive_fixed_block(ar, last_pre_, "last presynaptic spikes");
  archive_fixed_block(ar, last_post_, "last postsynaptic spikes");
  archive_fixed_block(ar, spikes_, "spike counts");
  ar.end_section();
}

}  // namespace spikeq::plasticity
