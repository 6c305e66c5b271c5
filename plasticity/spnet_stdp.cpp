#include "plasticity/spnet_stdp.hpp"

#include <cmath>

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
      w_(table, p.bounds),
      sd_(table.size(), 0.0),
      t_pre_(table.size(), no_spike),
      t_post_(table.size(), no_spike) {
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
    if (t_post_[s] != no_spike) sd_[s] -= decayed(p_.A_minus, now - step_ticks_ - t_post_[s]);
    t_pre_[s] = now;
  }
}

void spnet_stdp_rule::on_post_arrival(tick_type now, neuron_id_type /*target*/,
                                      std::span<const std::uint64_t> synapses) {
  for (const std::uint64_t s : synapses) {
    if (t_pre_[s] != no_spike) sd_[s] += decayed(p_.A_plus, now - t_pre_[s]);
    t_post_[s] = now;
  }
}

void spnet_stdp_rule::on_tick(tick_type now) {
  for (std::uint64_t s = 0; s < sd_.size(); ++s) {
    w_.set(s, w_[s] + p_.drift + sd_[s], now);
    sd_[s] *= p_.derivative_decay;
  }
}

}  // namespace spikeq::plasticity
