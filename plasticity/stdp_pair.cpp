#include "plasticity/stdp_pair.hpp"

#include <algorithm>

#include "core/cache_touch.hpp"
#include "core/huge_pages.hpp"
#include "plasticity/archive_records.hpp"
#include "plasticity/trace.hpp"

namespace spikeq::plasticity {

stdp_pair_rule::stdp_pair_rule(const stdp_pair_parameters& p, double ms_per_tick,
                               std::span<weight_type> table, std::optional<shared_post_side> shared)
    : p_(p), plus_(ms_per_tick / p.tau_plus_ms), minus_(ms_per_tick / p.tau_minus_ms), w_(table, p.bounds) {
  resize_in_huge_pages(state_, table.size(), synapse_state{0.0, 0.0, no_spike, no_spike});
  p_.dependence.w_max = p.bounds.w_max;
  for (std::uint64_t s = 0; s < state_.size(); ++s) state_[s].w = w_.initial(s);
  if (shared) {
    if (shared->targets.size() != table.size())
      throw std::invalid_argument("stdp_pair_rule: one target per synapse is required");
    targets_ = shared->targets;
  }
  post_.assign(shared ? shared->target_count : table.size(), post_state{0.0, no_spike, no_spike});
}

void stdp_pair_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) {
    pre(s, now);
    w_.sync(s, state_[s].w);
  }
}

void stdp_pair_rule::on_post_arrival(tick_type now, neuron_id_type target,
                                     std::span<const std::uint64_t> synapses) {
  // Records are scattered through the table: a batch's records are loaded before
  // any is updated, so their misses overlap (core/cache_touch.hpp; plastic Brunel
  // 5 % faster than prefetching 8 ahead, once the records are in huge pages).
  constexpr std::size_t batch = 256;  // 8 KiB of records
  for (std::size_t from = 0; from < synapses.size(); from += batch) {
    const std::size_t to = std::min(synapses.size(), from + batch);
    std::uint64_t loaded = 0;
    for (std::size_t k = from; k < to; ++k) loaded += static_cast<std::uint64_t>(state_[synapses[k]].t_pre);
    keep_loads(loaded);
    for (std::size_t k = from; k < to; ++k) {
      const std::uint64_t s = synapses[k];
      const double x = potentiation_drive(s, targets_.empty() ? s : target, now);
      if (x > 0.0) state_[s].w = w_.update(s, state_[s].w, p_.dependence.facilitate(state_[s].w, x), now);
      consume_after_post(s, now);
      if (targets_.empty()) advance_post_side(s, now);
    }
  }
  if (!targets_.empty()) advance_post_side(target, now);
}

// Depression: the new presynaptic spike pairs with earlier postsynaptic spikes.
void stdp_pair_rule::pre(std::uint64_t s, tick_type now) {
  synapse_state& st = state_[s];
  const post_state& q_side = post_[post_slot(s)];
  double y = 0.0;
  switch (p_.pairing) {
    case pairing_scheme::all_to_all:
      y = trace_at(q_side.y_before, q_side.t_post, now, trace_update::add_one,
                   [this](tick_type n) { return minus_.decay(n); });
      break;
    case pairing_scheme::nearest_symmetric:
    case pairing_scheme::nearest_pre_centered: {
      const tick_type q = latest_before(q_side.t_post, q_side.t_post_previous, now);
      if (q != no_spike) y = minus_.decay(now - q);
      break;
    }
    case pairing_scheme::nearest_restricted: {
      // Only if no other presynaptic spike came after that postsynaptic one.
      const tick_type q = latest_before(q_side.t_post, q_side.t_post_previous, now);
      if (q != no_spike && st.t_pre <= q) y = minus_.decay(now - q);
      break;
    }
  }
  if (y > 0.0) st.w = w_.update(s, st.w, p_.dependence.depress(st.w, y), now);

  if (p_.pairing == pairing_scheme::all_to_all || p_.pairing == pairing_scheme::nearest_pre_centered)
    st.x_before = trace_at(st.x_before, st.t_pre, now, trace_update::add_one,
                           [this](tick_type n) { return plus_.decay(n); });
  st.t_pre_previous = st.t_pre;
  st.t_pre = now;
}

// Potentiation drive of a postsynaptic spike at `now`: the presynaptic spikes it
// pairs with, weighted by the window. Reads the postsynaptic side before this spike.
double stdp_pair_rule::potentiation_drive(std::uint64_t s, std::uint64_t slot, tick_type now) const {
  const synapse_state& st = state_[s];
  switch (p_.pairing) {
    case pairing_scheme::all_to_all:
    case pairing_scheme::nearest_pre_centered:
      return trace_at(st.x_before, st.t_pre, now, trace_update::add_one,
                      [this](tick_type n) { return plus_.decay(n); });
    case pairing_scheme::nearest_symmetric: {
      const tick_type p = latest_before(st.t_pre, st.t_pre_previous, now);
      return p != no_spike ? plus_.decay(now - p) : 0.0;
    }
    case pairing_scheme::nearest_restricted: {
      // Only if no other postsynaptic spike came after that presynaptic one.
      const tick_type p = latest_before(st.t_pre, st.t_pre_previous, now);
      return p != no_spike && post_[slot].t_post <= p ? plus_.decay(now - p) : 0.0;
    }
  }
  return 0.0;
}

// Pre-centred pairing: the first postsynaptic spike after a group of presynaptic
// ones consumes them; a presynaptic spike at exactly `now` was not paired and stays.
void stdp_pair_rule::consume_after_post(std::uint64_t s, tick_type now) {
  if (p_.pairing != pairing_scheme::nearest_pre_centered) return;
  synapse_state& st = state_[s];
  st.x_before = 0.0;
  if (st.t_pre != now) st.t_pre = no_spike;
}

void stdp_pair_rule::advance_post_side(std::uint64_t slot, tick_type now) {
  post_state& q = post_[slot];
  if (p_.pairing == pairing_scheme::all_to_all)
    q.y_before = trace_at(q.y_before, q.t_post, now, trace_update::add_one,
                          [this](tick_type n) { return minus_.decay(n); });
  q.t_post_previous = q.t_post;
  q.t_post = now;
}

void stdp_pair_rule::state(state_archive& ar) {
  ar.begin_section("stdp_pair");
  archive_records(ar, state_, "synapses", [&](synapse_state& st) {
    ar.value(st.w);
    ar.value(st.x_before);
    ar.value(st.t_pre);
    ar.value(st.t_pre_previous);
  });
  archive_records(ar, post_, "postsynaptic sides", [&](post_state& p) {
    ar.value(p.y_before);
    ar.value(p.t_post);
    ar.value(p.t_post_previous);
  });
  ar.end_section();
}

}  // namespace spikeq::plasticity
