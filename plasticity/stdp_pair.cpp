#include "plasticity/stdp_pair.hpp"

#include "plasticity/trace.hpp"

namespace spikeq::plasticity {

stdp_pair_rule::stdp_pair_rule(const stdp_pair_parameters& p, double ms_per_tick,
                               std::span<weight_type> table)
    : p_(p),
      inv_tau_plus_(ms_per_tick / p.tau_plus_ms),
      inv_tau_minus_(ms_per_tick / p.tau_minus_ms),
      w_(table, p.bounds) {
  p_.dependence.w_max = p.bounds.w_max;
  const std::size_t n = table.size();
  t_pre_.assign(n, no_spike);
  t_post_.assign(n, no_spike);
  const bool accumulates_pre =
      p.pairing == pairing_scheme::all_to_all || p.pairing == pairing_scheme::nearest_pre_centered;
  if (accumulates_pre) x_before_.assign(n, 0.0);
  if (p.pairing == pairing_scheme::all_to_all)
    y_before_.assign(n, 0.0);
  else
    t_post_previous_.assign(n, no_spike);
  if (!accumulates_pre) t_pre_previous_.assign(n, no_spike);
}

void stdp_pair_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) pre(s, now);
}

void stdp_pair_rule::on_post_arrival(tick_type now, neuron_id_type /*target*/,
                                     std::span<const std::uint64_t> synapses) {
  for (const std::uint64_t s : synapses) post(s, now);
}

// Depression: the new presynaptic spike pairs with earlier postsynaptic spikes.
void stdp_pair_rule::pre(std::uint64_t s, tick_type now) {
  double y = 0.0;
  switch (p_.pairing) {
    case pairing_scheme::all_to_all:
      y = trace_at(y_before_[s], t_post_[s], now, inv_tau_minus_, trace_update::add_one);
      break;
    case pairing_scheme::nearest_symmetric:
    case pairing_scheme::nearest_pre_centered: {
      const tick_type q = latest_before(t_post_[s], t_post_previous_[s], now);
      if (q != no_spike) y = decay(now - q, inv_tau_minus_);
      break;
    }
    case pairing_scheme::nearest_restricted: {
      // Only if no other presynaptic spike came after that postsynaptic one.
      const tick_type q = latest_before(t_post_[s], t_post_previous_[s], now);
      if (q != no_spike && t_pre_[s] <= q) y = decay(now - q, inv_tau_minus_);
      break;
    }
  }
  if (y > 0.0) w_.set(s, p_.dependence.depress(w_[s], y), now);

  if (!x_before_.empty())
    x_before_[s] = trace_at(x_before_[s], t_pre_[s], now, inv_tau_plus_, trace_update::add_one);
  if (!t_pre_previous_.empty()) t_pre_previous_[s] = t_pre_[s];
  t_pre_[s] = now;
}

// Potentiation: the new postsynaptic spike pairs with earlier presynaptic spikes.
void stdp_pair_rule::post(std::uint64_t s, tick_type now) {
  double x = 0.0;
  switch (p_.pairing) {
    case pairing_scheme::all_to_all:
    case pairing_scheme::nearest_pre_centered:
      x = trace_at(x_before_[s], t_pre_[s], now, inv_tau_plus_, trace_update::add_one);
      break;
    case pairing_scheme::nearest_symmetric: {
      const tick_type p = latest_before(t_pre_[s], t_pre_previous_[s], now);
      if (p != no_spike) x = decay(now - p, inv_tau_plus_);
      break;
    }
    case pairing_scheme::nearest_restricted: {
      // Only if no other postsynaptic spike came after that presynaptic one.
      const tick_type p = latest_before(t_pre_[s], t_pre_previous_[s], now);
      if (p != no_spike && t_post_[s] <= p) x = decay(now - p, inv_tau_plus_);
      break;
    }
  }
  if (x > 0.0) w_.set(s, p_.dependence.facilitate(w_[s], x), now);

  if (p_.pairing == pairing_scheme::nearest_pre_centered) {
    // The first postsynaptic spike after a group of presynaptic ones consumes them;
    // a presynaptic spike at exactly `now` was not paired and stays.
    x_before_[s] = 0.0;
    if (t_pre_[s] != now) t_pre_[s] = no_spike;
  }
  if (!y_before_.empty())
    y_before_[s] = trace_at(y_before_[s], t_post_[s], now, inv_tau_minus_, trace_update::add_one);
  if (!t_post_previous_.empty()) t_post_previous_[s] = t_post_[s];
  t_post_[s] = now;
}

}  // namespace spikeq::plasticity
