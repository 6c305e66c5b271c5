#include "plasticity/spnet_stdp.hpp"

#include <cmath>

#include "core/huge_pages.hpp"
#include "plasticity/archive_records.hpp"
#include "plasticity/trace.hpp"

namespace spikeq::plasticity {

namespace {
// Beyond this many steps (0.95^4096 ~ 1e-91) the power is computed directly.
constexpr std::size_t tabulated_steps = 4096;
}  // namespace

spnet_stdp_rule::spnet_stdp_rule(const spnet_stdp_parameters& p, double ms_per_tick,
                                 std::span<weight_type> table)
    : p_(p),
      step_ticks_(static_cast<tick_type>(std::llround(p.step_ms / ms_per_tick))),
      update_ticks_(static_cast<tick_type>(std::llround(p.update_interval_ms / ms_per_tick))),
      w_(table, p.bounds) {
  resize_in_huge_pages(state_, table.size(), synapse_state{0.0, 0.0, no_spike, no_spike});
  for (std::uint64_t s = 0; s < state_.size(); ++s) state_[s].w = w_.initial(s);
  if (step_ticks_ < 1 || update_ticks_ < 1)
    throw std::invalid_argument("spnet_stdp: step and update_interval must be at least one resolution step");
  decay_per_steps_.resize(tabulated_steps);
  for (std::size_t k = 0; k < tabulated_steps; ++k)
    decay_per_steps_[k] = std::pow(p.trace_decay, static_cast<double>(k));
}

double spnet_stdp_rule::decayed(double amplitude, tick_type elapsed) const {
  if (elapsed <= 0) return amplitude;
  if (elapsed % step_ticks_ == 0) {
    const auto steps = static_cast<std::size_t>(elapsed / step_ticks_);
    if (steps < tabulated_steps) return amplitude * decay_per_steps_[steps];
  }
  return amplitude *
         std::pow(p_.trace_decay, static_cast<double>(elapsed) / static_cast<double>(step_ticks_));
}

void spnet_stdp_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) {
    synapse_state& st = state_[s];
    if (st.t_post != no_spike) st.sd -= decayed(p_.A_minus, now - step_ticks_ - st.t_post);
    st.t_pre = now;
  }
}

void spnet_stdp_rule::on_post_arrival(tick_type now, neuron_id_type /*target*/,
                                      std::span<const std::uint64_t> synapses) {
  for (const std::uint64_t s : synapses) {
    synapse_state& st = state_[s];
    if (st.t_pre != no_spike) st.sd += decayed(p_.A_plus, now - st.t_pre);
    st.t_post = now;
  }
}

void spnet_stdp_rule::on_tick(tick_type now, std::span<const std::uint64_t> synapses) {
  for (const std::uint64_t s : synapses) {
    synapse_state& st = state_[s];
    st.w = w_.update(s, st.w, st.w + p_.drift + st.sd, now);
    st.sd *= p_.derivative_decay;
    w_.sync(s, st.w);
  }
}

void spnet_stdp_rule::state(state_archive& ar) {
  ar.begin_section("spnet_stdp");
  archive_records(ar, state_, "synapses", [&](synapse_state& st) {
    ar.value(st.w);
    ar.value(st.sd);
    ar.value(st.t_pre);
    ar.value(st.t_post);
  });
  ar.end_section();
}

}  // namespace spikeq::plasticity
