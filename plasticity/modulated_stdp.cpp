#include "plasticity/modulated_stdp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/huge_pages.hpp"
#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity {

modulated_stdp_parameters nest_dopamine_stdp() { return {}; }

modulated_stdp_parameters izhikevich_2007_dopamine_stdp() {
  modulated_stdp_parameters p;
  p.A_plus = 0.1;
  p.A_minus = 0.15;
  p.tau_plus_ms = p.tau_minus_ms = -1.0 / std::log(0.95);
  p.tau_c_ms = -10.0 / std::log(0.99);
  p.gain_per_ms = 0.1;
  p.baseline = 0.0;
  p.traces = trace_update::set_to_one;
  p.bounds = {0.0, 4.0};
  return p;
}

modulated_stdp_rule::modulated_stdp_rule(const modulated_stdp_parameters& p, double ms_per_tick,
                                         std::span<weight_type> table, const modulator_channel& channel,
                                         std::vector<tick_type> dendritic_ticks,
                                         std::optional<shared_post_side> shared)
    : p_(p),
      inv_tau_plus_(ms_per_tick / p.tau_plus_ms),
      inv_tau_minus_(ms_per_tick / p.tau_minus_ms),
      inv_tau_c_(ms_per_tick / p.tau_c_ms),
      inv_tau_sum_(ms_per_tick / p.tau_c_ms + 1.0 / channel.tau_ticks()),
      gain_per_tick_(p.gain_per_ms * ms_per_tick),
      plus_(inv_tau_plus_),
      minus_(inv_tau_minus_),
      c_(inv_tau_c_),
      sum_(inv_tau_sum_),
      n_(1.0 / channel.tau_ticks()),
      channel_(channel),
      dendritic_(std::move(dendritic_ticks)),
      w_(table, p.bounds) {
  resize_in_huge_pages(state_, table.size(), synapse_state{0.0, 0.0, 0.0, 0});
  if (!(p.tau_plus_ms > 0 && p.tau_minus_ms > 0 && p.tau_c_ms > 0))
    throw std::invalid_argument("time constants must be positive");
  if (!dendritic_.empty() && dendritic_.size() != 1 && dendritic_.size() != table.size())
    throw std::invalid_argument("modulated_stdp_rule: one dendritic delay per synapse, or one for all");
  for (std::uint64_t s = 0; s < state_.size(); ++s) state_[s].w = w_.initial(s);
  if (shared) {
    if (shared->targets.size() != table.size())
      throw std::invalid_argument("modulated_stdp_rule: one target per synapse is required");
    targets_ = shared->targets;
  }
  post_.assign(shared ? shared->target_count : table.size(), post_state{0.0, no_spike});
}

void modulated_stdp_rule::integrate(synapse_state& st, tick_type from, tick_type to) const {
  const auto ticks = channel_.release_ticks();
  const auto level = channel_.level_after_release();
  const double steady = channel_.tonic() - p_.baseline;
  const double tau_c = 1.0 / inv_tau_c_, tau_sum = 1.0 / inv_tau_sum_;
  // Synapses are touched often, so the release before `from` is usually among the
  // last few: walk back from the newest instead of a binary search.
  std::ptrdiff_t k = static_cast<std::ptrdiff_t>(ticks.size()) - 1;
  for (int steps = 0; k >= 0 && ticks[static_cast<std::size_t>(k)] > from; --k)
    if (++steps == 8) {
      k = channel_.last_release_at_or_before(from);
      break;
    }
  const step_series* schedule = w_.learning_schedule();
  tick_type t = from;
  // Invariant: k is the last release at or before t, so release k + 1 is after t.
  while (t < to) {
    const auto next = static_cast<std::size_t>(k + 1);
    tick_type end = next < ticks.size() ? std::min(ticks[next], to) : to;
    bool learning = true;
    if (schedule != nullptr) {
      // Pieces also end where learning switches on or off.
      const auto change = std::upper_bound(schedule->tick.begin(), schedule->tick.end(), t);
      if (change != schedule->tick.end() && *change < end) end = *change;
      learning = schedule->at(t) > 0.0;
    }
    // At a release (every piece but the first) the level is the release's own.
    const double phasic = k < 0           ? 0.0
                          : t == ticks[k] ? level[static_cast<std::size_t>(k)]
                                          : level[static_cast<std::size_t>(k)] * n_.decay(t - ticks[k]);
    // 1 - exp(-span / tau) without cancellation: exact for the short pieces between
    // nearby releases too.
    const double decayed_c = c_.decayed(end - t);
    const double decayed_both = sum_.decayed(end - t);
    const double dw = st.c * (phasic * tau_sum * decayed_both + steady * tau_c * decayed_c);
    if (learning) st.w = std::clamp(st.w + gain_per_tick_ * dw, p_.bounds.w_min, p_.bounds.w_max);
    st.c -= st.c * decayed_c;
    if (next < ticks.size() && end == ticks[next]) ++k;
    t = end;
  }
}

void modulated_stdp_rule::advance(std::uint64_t s, tick_type now) {
  synapse_state& st = state_[s];
  const tick_type last = st.last();
  if (now <= last) return;
  if (st.c != 0.0) {
    const double before = st.w;
    const tick_type shift = dendritic(s);
    integrate(st, last - shift, now - shift);
    if (st.w != before) st.w = w_.clip_and_log(s, st.w, now);
  }
  const double x = st.pre_at_last() ? after_spike(st.x, p_.traces) : st.x;
  st.x = x == 0.0 ? 0.0 : x * plus_.decay(now - last);
  st.stamp = now * 2;
}

double modulated_stdp_rule::weight_at(std::uint64_t s, tick_type now) const {
  synapse_state st = state_[s];
  if (now > st.last() && st.c != 0.0) integrate(st, st.last() - dendritic(s), now - dendritic(s));
  return st.w;
}

double modulated_stdp_rule::post_trace(const post_state& post, tick_type now) const {
  return trace_at(post.y_before, post.t_post, now, p_.traces,
                  [this](tick_type ticks) { return minus_.decay(ticks); });
}

void modulated_stdp_rule::advance_to(tick_type now, std::span<const std::uint64_t> synapses) {
  for (const std::uint64_t s : synapses) {
    advance(s, now);
    w_.sync(s, state_[s].w);
  }
}

void modulated_stdp_rule::complete(tick_type now) {
  for (std::uint64_t s = 0; s < state_.size(); ++s) {
    advance(s, now);
    w_.sync(s, state_[s].w);
  }
}

void modulated_stdp_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) {
    advance(s, now);
    synapse_state& st = state_[s];
    const post_state& post = post_[post_slot(s)];
    // Equal-time pairs contribute nothing (post_trace excludes a spike at `now`).
    st.c -= p_.A_minus * post_trace(post, now);
    st.stamp |= 1;  // the spike joins the trace after this tick
    w_.sync(s, st.w);
  }
}

void modulated_stdp_rule::on_post_arrival(tick_type now, neuron_id_type target,
                                          std::span<const std::uint64_t> synapses) {
  constexpr std::size_t ahead = 8;
  for (std::size_t k = 0; k < synapses.size(); ++k) {
    if (k + ahead < synapses.size()) __builtin_prefetch(&state_[synapses[k + ahead]], 1);
    const std::uint64_t s = synapses[k];
    advance(s, now);
    synapse_state& st = state_[s];
    st.c += p_.A_plus * st.x;  // without a presynaptic spike at `now` (equal times)
    if (targets_.empty()) {
      post_state& post = post_[s];
      post.y_before = post_trace(post, now);
      post.t_post = now;
    }
  }
  if (!targets_.empty()) {
    post_state& post = post_[target];
    post.y_before = post_trace(post, now);
    post.t_post = now;
  }
}

void modulated_stdp_rule::state(state_archive& ar) {
  ar.begin_section("modulated_stdp");
  archive_records(ar, state_, "synapses", [&](synapse_state& st) {
    ar.value(st.w);
    ar.value(st.c);
    ar.value(st.x);
    ar.value(st.stamp);
  });
  archive_records(ar, post_, "postsynaptic sides", [&](post_state& p) {
    ar.value(p.y_before);
    ar.value(p.t_post);
  });
  ar.end_section();
}

}  // namespace spikeq::plasticity
