#include "neurons/iaf_psc_exp.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/input_sums.hpp"
#include "neurons/assign_values.hpp"
#include "neurons/iaf_propagator.hpp"
#include "neurons/simd/psc_exp_kernel.hpp"
#include "neurons/step_support.hpp"

namespace spikeq {

// Staged input is added range by range inside the step's pass (step), each range whole blocks.
static_assert(input_sums::staged_range_neurons % simd::psc_exp_block == 0);

iaf_psc_exp::iaf_psc_exp(std::string name, neuron_id_type size, const iaf_psc_exp_parameters& p,
                         const iaf_psc_exp_state_init& init, time_grid grid, tick_type step_ticks)
    : population(std::move(name), size),
      p_(p),
      step_ticks_(step_ticks),
      propagate_(simd::select_psc_exp_propagate()),
      V_rel_mV_(size),
      I_stim_pA_(size, 0.0),
      I_ex_base_pA_(init.I_syn_ex_pA.begin(), init.I_syn_ex_pA.end()),
      I_in_base_pA_(init.I_syn_in_pA.begin(), init.I_syn_in_pA.end()),
      refractory_(static_cast<std::int32_t>(std::llround(p.t_ref_ms / grid.to_ms(step_ticks)))),
      crossing_blocks_(size / simd::psc_exp_block + 1),
      crossing_lanes_(crossing_blocks_.size()),
      ahead_blocks_(crossing_blocks_.size()),
      ahead_lanes_(crossing_blocks_.size()) {
  // The threshold test relies on it (step): a clamped neuron never crosses.
  if (!(p.V_reset_mV < p.V_th_mV)) throw std::invalid_argument("iaf_psc_exp: V_reset must be below V_th");
  pending_.resize(size);
  const double h = grid.to_ms(step_ticks);
  P22_ = std::exp(-h / p.tau_m_ms);
  P21_ex_ = psc_exp_P21(h, p.tau_m_ms, p.tau_syn_ex_ms, p.C_m_pF);
  P21_in_ = psc_exp_P21(h, p.tau_m_ms, p.tau_syn_in_ms, p.C_m_pF);
  P20_ = psc_exp_P20(h, p.tau_m_ms, p.C_m_pF);
  for (neuron_id_type n = 0; n < size; ++n) V_rel_mV_[n] = init.V_m_mV[n] - p.E_L_mV;
  // Rebase after at most 64 steps and before the currents' factors pass e^8.
  constexpr double most_decay_exponent = 8.0;
  constexpr std::uint32_t most_steps = 64;
  const double shorter_tau_ms = std::min(p.tau_syn_ex_ms, p.tau_syn_in_ms);
  rebase_steps_ = static_cast<std::uint32_t>(
      std::clamp(std::floor(most_decay_exponent * shorter_tau_ms / h), 1.0, double{most_steps}));
  for (std::uint32_t k = 0; k <= rebase_steps_; ++k) {
    const double elapsed_ms = k * h;
    decay_ex_.push_back(std::exp(-elapsed_ms / p.tau_syn_ex_ms));
    decay_in_.push_back(std::exp(-elapsed_ms / p.tau_syn_in_ms));
    growth_ex_.push_back(std::exp(elapsed_ms / p.tau_syn_ex_ms));
    growth_in_.push_back(std::exp(elapsed_ms / p.tau_syn_in_ms));
  }
}

void iaf_psc_exp::step(tick_type now, population_output& out) {
  const auto step_index = static_cast<std::uint64_t>(now / step_ticks_);
  const double threshold = p_.V_th_mV - p_.E_L_mV;
  const double reset = p_.V_reset_mV - p_.E_L_mV;
  if (stepped_ahead_) {
    finish_step_ahead(step_index, threshold, reset, out);
    return;
  }
  // The last step's staged input, when finish_step_ahead left it to this step's pass.
  input_sums* deferred = deferred_input_ ? &ring_.slot(step_index - 1) : nullptr;
  deferred_input_ = false;
  // 1. Free propagation of V over the step with the currents at its start, then the
  //    currents decay: NEST's order. The kernel also lists the blocks of neurons in
  //    which V reached the threshold.
  // 2. Input that arrived during the step makes the currents jump at its end.
  // Staged input (large populations with sparse input, core/input_sums.hpp) with no
  // event-driven input ahead of it is added range by range inside the pass
  // (propagate_with_staged_input): the same operations in the same order.
  std::size_t crossings = 0;
  input_sums* staged = ring_.used() && pending_.empty() ? &ring_.slot(step_index) : nullptr;
  // Stepping ahead halves the passes over the state where it does not stay in cache
  // from one step to the next: in populations large enough for staged input.
  if (staged != nullptr && step_ahead_allowed_ && staged->staging() &&
      (staged->staged_only() || staged->empty())) {
    step_and_propagate_ahead(step_index, deferred, staged->staged_only() ? staged : nullptr, threshold, reset,
                             out);
    return;
  }
  if (deferred != nullptr)
    ring_.drain(step_index - 1, I_ex_base_pA_, I_in_base_pA_, growth_ex_[steps_since_base_],
                growth_in_[steps_since_base_]);
  if (staged != nullptr && staged->staged_only()) {
    propagate_with_staged_input(*staged, threshold, crossings);
  } else {
    const std::size_t n = size();
    propagate_range(0, n, steps_since_base_, threshold, crossings);
    const std::uint32_t k = steps_since_base_after(steps_since_base_);
    if (k == 0) rebase_currents(0, n);
    steps_since_base_ = k;
    pending_.apply_and_clear(I_ex_base_pA_, I_in_base_pA_, growth_ex_[k], growth_in_[k]);
    ring_.drain(step_index, I_ex_base_pA_, I_in_base_pA_, growth_ex_[k], growth_in_[k]);
  }
  // 3. Refractory neurons stay at V_reset (NEST rounds t_ref to whole steps): they are
  //    held at -inf, which the propagation keeps, and set to V_reset on their last
  //    refractory step (refractory_hold). This touches V alone, so it may follow the
  //    currents' jumps.
  refractory_.release_due(V_rel_mV_, reset);
  // 4. Threshold.
  fire_listed_lanes(V_rel_mV_, {crossing_blocks_.data(), crossings}, {crossing_lanes_.data(), crossings},
                    simd::psc_exp_block, threshold, reset, refractory_, out);
}

void iaf_psc_exp::propagate_with_staged_input(input_sums& staged, double threshold, std::size_t& crossings) {
  const std::size_t n = size();
  const std::uint32_t steps_since_base = steps_since_base_;
  const std::uint32_t k_next = steps_since_base_after(steps_since_base);
  const bool rebase = k_next == 0;
  const std::size_t ranges = staged.sort_staged();
  for (std::size_t r = 0; r < ranges && r * input_sums::staged_range_neurons < n; ++r) {
    const std::size_t first = r * input_sums::staged_range_neurons;
    const std::size_t count = std::min(input_sums::staged_range_neurons, n - first);
    propagate_range(first, count, steps_since_base, threshold, crossings);
    if (rebase) rebase_currents(first, count);
    staged.add_staged_range(r, I_ex_base_pA_, I_in_base_pA_, growth_ex_[k_next], growth_in_[k_next]);
  }
  staged.staged_applied();
  steps_since_base_ = k_next;
}

void iaf_psc_exp::step_and_propagate_ahead(std::uint64_t step_index, input_sums* deferred, input_sums* staged,
                                           double threshold, double reset, population_output& out) {
  const std::size_t n = size();
  const std::uint32_t k = steps_since_base_;
  const std::uint32_t k_next = steps_since_base_after(k);
  const bool rebase = k_next == 0;
  const bool rebase_next = steps_since_base_after(k_next) == 0;
  constexpr unsigned deferred_scratch = 1;
  if (deferred != nullptr) deferred->sort_staged(deferred_scratch);
  if (staged != nullptr) staged->sort_staged();
  refractory_.begin_step();
  std::size_t crossings = 0;
  ahead_crossings_ = 0;
  constexpr std::size_t range = input_sums::staged_range_neurons;
  for (std::size_t first = 0, r = 0; first < n; first += range, ++r) {
    const std::size_t count = std::min(range, n - first);
    // The end of the last step, left to this pass: its input.
    if (deferred != nullptr)
      deferred->add_staged_range(r, I_ex_base_pA_, I_in_base_pA_, growth_ex_[k], growth_in_[k],
                                 deferred_scratch);
    // This step: steps 1 to 4 of step() for the range.
    const std::size_t range_crossings = crossings;
    propagate_range(first, count, k, threshold, crossings);
    if (rebase) rebase_currents(first, count);
    if (staged != nullptr)
      staged->add_staged_range(r, I_ex_base_pA_, I_in_base_pA_, growth_ex_[k_next], growth_in_[k_next]);
    refractory_.release_due_below(V_rel_mV_, reset, first + count);
    fire_listed_lanes(V_rel_mV_, {crossing_blocks_.data() + range_crossings, crossings - range_crossings},
                      {crossing_lanes_.data() + range_crossings, crossings - range_crossings},
                      simd::psc_exp_block, threshold, reset, refractory_, out);
    // The next step's step 1 (its input arrives later and comes after it).
    propagate_range(first, count, k_next, threshold, ahead_blocks_, ahead_lanes_, ahead_crossings_);
    if (rebase_next) rebase_currents(first, count);
  }
  if (deferred != nullptr) deferred->staged_applied();
  if (staged != nullptr) {
    staged->staged_applied();
  } else {
    // Nothing arrived: this adds nothing, and keeps the slot's bookkeeping as step() would.
    ring_.drain(step_index, I_ex_base_pA_, I_in_base_pA_, growth_ex_[k_next], growth_in_[k_next]);
  }
  steps_since_base_ = k_next;
  stepped_ahead_ = true;
}

void iaf_psc_exp::finish_step_ahead(std::uint64_t step_index, double threshold, double reset,
                                    population_output& out) {
  // The propagation (and a rebase when due) is done: steps 2 to 4 of step(). Staged
  // input alone is left to the next step's pass, which adds it range by range before
  // it propagates (the order of step()) while each range is in cache.
  const std::uint32_t k = steps_since_base_after(steps_since_base_);
  steps_since_base_ = k;
  deferred_input_ = pending_.empty() && ring_.used() && ring_.slot(step_index).staged_only();
  if (!deferred_input_) {
    pending_.apply_and_clear(I_ex_base_pA_, I_in_base_pA_, growth_ex_[k], growth_in_[k]);
    ring_.drain(step_index, I_ex_base_pA_, I_in_base_pA_, growth_ex_[k], growth_in_[k]);
  }
  refractory_.release_due(V_rel_mV_, reset);
  fire_listed_lanes(V_rel_mV_, {ahead_blocks_.data(), ahead_crossings_},
                    {ahead_lanes_.data(), ahead_crossings_}, simd::psc_exp_block, threshold, reset,
                    refractory_, out);
  stepped_ahead_ = false;
}

void iaf_psc_exp::rebase_currents(std::size_t first, std::size_t count) {
  for (std::size_t i = first; i < first + count; ++i) {
    I_ex_base_pA_[i] *= decay_ex_[rebase_steps_];
    I_in_base_pA_[i] *= decay_in_[rebase_steps_];
  }
}

void iaf_psc_exp::propagate_range(std::size_t first, std::size_t count, std::uint32_t steps_since_base,
                                  double threshold, std::vector<std::uint32_t>& block_list,
                                  std::vector<std::uint8_t>& lane_list, std::size_t& crossings) {
  const simd::psc_exp_propagator c{P22_, P21_ex_ * decay_ex_[steps_since_base],
                                   P21_in_ * decay_in_[steps_since_base], P20_, p_.I_e_pA};
  std::uint32_t* blocks = block_list.data() + crossings;
  const std::size_t found =
      propagate_(count, c, V_rel_mV_.data() + first, I_ex_base_pA_.data() + first,
                 I_in_base_pA_.data() + first, has_stimulus_ ? I_stim_pA_.data() + first : nullptr,
                 I_noise_pA_.empty() ? nullptr : I_noise_pA_.data() + first, threshold, blocks,
                 lane_list.data() + crossings);
  // The kernel numbers the blocks from the range's start (a multiple of the block).
  const auto first_block = static_cast<std::uint32_t>(first / simd::psc_exp_block);
  for (std::size_t b = 0; b < found; ++b) blocks[b] += first_block;
  crossings += found;
}

void iaf_psc_exp::receive(tick_type /*now*/, receptor_type receptor, std::span<const neuron_id_type> targets,
                          std::span<const weight_type> weights, population_output& /*out*/) {
  pending_.add(receptor, targets, weights, 0);
}

void iaf_psc_exp::set_current(tick_type /*now*/, std::span<const neuron_id_type> neurons, double amplitude_pA,
                              population_output& /*out*/) {
  has_stimulus_ = true;
  assign_values(I_stim_pA_, neurons, amplitude_pA);
}

void iaf_psc_exp::set_noise_currents(tick_type /*now*/, std::span<const neuron_id_type> neurons,
                                     std::span<const double> amplitudes_pA, population_output& /*out*/) {
  if (I_noise_pA_.empty()) I_noise_pA_.assign(size(), 0.0);
  for (std::size_t k = 0; k < neurons.size(); ++k) I_noise_pA_[neurons[k]] = amplitudes_pA[k];
}

void iaf_psc_exp::sample(std::size_t variable, tick_type /*now*/, std::span<const neuron_id_type> neurons,
                         std::span<double> values) const {
  for (std::size_t k = 0; k < neurons.size(); ++k) {
    const auto n = neurons[k];
    values[k] = variable == 0
                    ? refractory_hold::held_value(V_rel_mV_[n], p_.V_reset_mV - p_.E_L_mV) + p_.E_L_mV
                : variable == 1 ? I_ex_base_pA_[n] * decay_ex_[steps_since_base_]
                                : I_in_base_pA_[n] * decay_in_[steps_since_base_];
  }
}

void iaf_psc_exp::state(state_archive& ar) {
  // The kernel allows stepping ahead only in runs without checkpoints.
  if (stepped_ahead_ || deferred_input_)
    throw std::logic_error("iaf_psc_exp '" + name() + "': saved while a step ahead");
  ar.begin_section("iaf_psc_exp");
  ar.expect(size(), "neurons");
  state_per_neuron(ar, V_rel_mV_, "neurons");
  state_per_neuron(ar, I_ex_base_pA_, "neurons");
  state_per_neuron(ar, I_in_base_pA_, "neurons");
  std::uint64_t steps_since_base = steps_since_base_;
  ar.value(steps_since_base);
  if (steps_since_base >= rebase_steps_) ar.fail("iaf_psc_exp: steps since the currents' base out of range");
  steps_since_base_ = static_cast<std::uint32_t>(steps_since_base);
  state_per_neuron(ar, I_stim_pA_, "neurons");
  ar.value(has_stimulus_);
  state_optional_per_neuron(ar, I_noise_pA_, size(), "noise currents");
  refractory_.state(ar, V_rel_mV_);
  ring_.state(ar);
  pending_.state(ar);
  ar.end_section();
}

}  // namespace spikeq
