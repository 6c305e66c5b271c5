#include "plasticity/sal.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/random_stream.hpp"
#include "plasticity/archive_records.hpp"
#include "plasticity/trace.hpp"

namespace spikeq::plasticity {

// The expressions follow the paper code's exp_kernel and tri_kernel term by term,
// so that a literal re-implementation agrees to rounding.
double sal_window(const sal_parameters& p, double dt_ms) {
  const double a_plus = -p.a_causal;  // the code's a_plus multiplies dt > 0
  const double a_minus = p.a_anticausal;
  if (p.kernel == sal_kernel::exponential) {
    if (dt_ms > 0.0) return a_plus * std::exp(-dt_ms / p.tau_causal_ms);
    if (dt_ms < 0.0) return a_minus * std::exp(dt_ms / p.tau_anticausal_ms);
    return 0.0;
  }
  if (dt_ms > 0.0 && dt_ms < p.tau_causal_ms) return a_plus - dt_ms * a_plus / p.tau_causal_ms;
  if (dt_ms < 0.0 && dt_ms > -p.tau_anticausal_ms) return a_minus + dt_ms * a_minus / p.tau_anticausal_ms;
  return 0.0;
}

std::vector<double> noised_amplitudes(double sigma, std::uint64_t seed, std::uint32_t object,
                                      std::span<const std::uint64_t> synapse_id) {
  std::vector<double> a(synapse_id.size());
  for (std::size_t s = 0; s < a.size(); ++s) {
    random_stream r(seed, stream_kind::plasticity_amplitude, object,
                    static_cast<std::uint32_t>(synapse_id[s]));
    double x = r.normal();
    while (std::abs(x) > 1.5) x = r.normal();
    a[s] = 1.0 + sigma * x;
  }
  return a;
}

sal_rule::sal_rule(const sal_parameters& p, double ms_per_tick, std::span<weight_type> table,
                   std::vector<tick_type> apply_ticks, tick_type period_ticks)
    : weight_owning_rule(table, p.bounds),
      p_(p),
      ms_per_tick_(ms_per_tick),
      pending_(table.size(), 0.0),
      pre_history_(table.size() * (p.last_spikes + 1), no_spike),
      post_history_(table.size() * (p.last_spikes + 1), no_spike),
      apply_ticks_(std::move(apply_ticks)),
      period_ticks_(period_ticks) {
  if (p.last_spikes == 0) throw std::invalid_argument("sal: last_spikes must be at least 1");
  if (!(p.tau_causal_ms > 0.0) || !(p.tau_anticausal_ms > 0.0))
    throw std::invalid_argument("sal: the window's time constants must be positive");
  if (!p.amplitude.empty() && p.amplitude.size() != w_.size())
    throw std::invalid_argument("sal: one amplitude per synapse is needed");
  amplitude_ = p.amplitude;
  if (p.accumulate) {
    if (period_ticks_ > 0) {
      tick_interval_ = period_ticks_;
    } else {
      if (apply_ticks_.empty())
        throw std::invalid_argument("sal: accumulating needs a period or learning phases to apply at");
      if (!std::is_sorted(apply_ticks_.begin(), apply_ticks_.end()) || apply_ticks_.front() <= 0)
        throw std::invalid_argument("sal: application ticks must be positive and ascending");
      // on_tick comes every tick_interval_ from one interval on: a common divisor
      // of all application ticks reaches each of them.
      tick_interval_ = std::accumulate(apply_ticks_.begin(), apply_ticks_.end(), tick_type{0},
                                       [](tick_type g, tick_type t) { return std::gcd(g, t); });
    }
  }
}

// `history` holds k + 1 spikes, oldest first; a spike of this tick (the other
// neuron fired in the same step and reached the synapse first) is not a partner,
// so the window is the k spikes strictly before `now`.
double sal_rule::pair_sum(const tick_type* history, tick_type now, int sign) const {
  const std::uint32_t k = p_.last_spikes;
  const tick_type* first = history[k] == now ? history : history + 1;
  double sum = 0.0;
  for (std::uint32_t i = 0; i < k; ++i) {
    if (first[i] == no_spike) continue;
    const double dt_ms = static_cast<double>(now - first[i]) * ms_per_tick_;
    sum += sal_window(p_, sign * dt_ms);
  }
  return sum;
}

void sal_rule::push(tick_type* history, std::uint32_t k, tick_type now) {
  std::copy(history + 1, history + k + 1, history);
  history[k] = now;
}

void sal_rule::learn(std::uint64_t s, double sum, tick_type now) {
  if (!keeper_.learning(now)) return;
  if (!amplitude_.empty()) sum *= amplitude_[s];
  if (p_.accumulate) {
    pending_[s] += sum;
    return;
  }
  const double change = p_.eta * sum;
  if (change != 0.0) w_[s] = keeper_.clip_and_log(s, w_[s] + change, now);
}

// Anti-causal pairs: this presynaptic spike after the postsynaptic neuron's last k.
void sal_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  const std::uint32_t k = p_.last_spikes;
  for (std::uint64_t s = first; s < last; ++s) {
    learn(s, pair_sum(&post_history_[s * (k + 1)], now, -1), now);
    push(&pre_history_[s * (k + 1)], k, now);
    keeper_.sync(s, w_[s]);
  }
}

// Causal pairs: this postsynaptic spike after the presynaptic neuron's last k.
void sal_rule::on_post_arrival(tick_type now, neuron_id_type /*target*/,
                               std::span<const std::uint64_t> synapses) {
  const std::uint32_t k = p_.last_spikes;
  for (const std::uint64_t s : synapses) {
    learn(s, pair_sum(&pre_history_[s * (k + 1)], now, +1), now);
    push(&post_history_[s * (k + 1)], k, now);
  }
}

bool sal_rule::applies_at(tick_type now) const {
  if (!p_.accumulate) return false;
  if (period_ticks_ > 0) return now % period_ticks_ == 0;
  return std::binary_search(apply_ticks_.begin(), apply_ticks_.end(), now);
}

tick_type sal_rule::last_application_before(tick_type now) const {
  if (period_ticks_ > 0) return now - period_ticks_;
  const auto it = std::lower_bound(apply_ticks_.begin(), apply_ticks_.end(), now);
  return it == apply_ticks_.begin() ? 0 : *std::prev(it);
}

// Ticks in [from, to) during which the projection learns.
double sal_rule::learning_ticks(tick_type from, tick_type to) const {
  const step_series* schedule = keeper_.learning_schedule();
  if (schedule == nullptr) return static_cast<double>(to - from);
  double open = 0.0;
  tick_type t = from;
  while (t < to) {
    // The next change of the schedule after t.
    const auto next_it = std::upper_bound(schedule->tick.begin(), schedule->tick.end(), t);
    const tick_type next = next_it == schedule->tick.end() ? to : std::min(to, *next_it);
    if (schedule->at(t) > 0.0) open += static_cast<double>(next - t);
    t = next;
  }
  return open;
}

void sal_rule::on_tick(tick_type now, std::span<const std::uint64_t> synapses) {
  if (!applies_at(now)) return;
  const double open_ms =
      p_.normalization_ms > 0.0 ? learning_ticks(last_application_before(now), now) * ms_per_tick_ : 0.0;
  for (const std::uint64_t s : synapses) {
    const double sum = pending_[s];
    pending_[s] = 0.0;
    // The paper code's order: W += lr * (stdp / duration * t_ref).
    double normalized = sum;
    if (p_.normalization_ms > 0.0) normalized = open_ms > 0.0 ? sum / open_ms * p_.normalization_ms : 0.0;
    const double change = p_.eta * normalized;
    if (change == 0.0) continue;
    w_[s] = keeper_.clip_and_log(s, w_[s] + change, now);
    keeper_.sync(s, w_[s]);
  }
}

void sal_rule::state(state_archive& ar) {
  ar.begin_section("sal");
  ar.expect(amplitude_.size(), "noised amplitudes");
  archive_fixed_block(ar, w_, "synapses");
  archive_fixed_block(ar, pending_, "accumulated changes");
  archive_fixed_block(ar, pre_history_, "presynaptic spike history");
  archive_fixed_block(ar, post_history_, "postsynaptic spike history");
  ar.end_section();
}

}  // namespace spikeq::plasticity
