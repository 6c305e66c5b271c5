#include "plasticity/error_modulated_hebbian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity {

namespace {
constexpr std::uint64_t no_synapse = std::numeric_limits<std::uint64_t>::max();
}

error_modulated_hebbian_rule::error_modulated_hebbian_rule(
    const error_modulated_hebbian_parameters& p, double ms_per_tick, std::span<weight_type> table,
    std::span<const neuron_id_type> targets, std::vector<std::uint32_t> sources, std::uint32_t source_count,
    readout_signal& readout, neuron_id_type readout_size, const trial_protocol& protocol,
    std::vector<std::uint32_t> reset_trials)
    : p_(p),
      step_ticks_(static_cast<tick_type>(std::llround(p.step_ms / ms_per_tick))),
      inv_tau_ticks_(ms_per_tick / readout.trace_tau_ms()),
      keeper_(table, p.bounds),
      targets_(targets),
      sources_(std::move(sources)),
      readout_(readout),
      protocol_(protocol),
      w_(table.size()),
      r_(table.size(), 0.0),
      r_tick_(table.size(), 0),
      error_(readout_size, 0.0),
      source_count_(source_count),
      readout_size_(readout_size),
      reset_trials_(std::move(reset_trials)) {
  if (step_ticks_ < 1) throw std::invalid_argument("step must be at least one resolution step");
  if (targets_.size() != table.size() || sources_.size() != table.size())
    throw std::invalid_argument("error_modulated_hebbian: one target and source per synapse");
  for (std::uint64_t s = 0; s < w_.size(); ++s) w_[s] = keeper_.initial(s);
  if (p.mode == readout_learning::offline) pending_.assign(w_.size(), 0.0);
  if (p.mode == readout_learning::rls) {
    synapse_of_.assign(std::size_t{source_count} * readout_size, no_synapse);
    for (std::uint64_t s = 0; s < w_.size(); ++s) {
      auto& slot = synapse_of_[std::size_t{sources_[s]} * readout_size + targets_[s]];
      if (slot != no_synapse)
        throw std::invalid_argument("rls needs at most one synapse per (presynaptic neuron, readout neuron)");
      slot = s;
    }
    reset_rls();
    Pr_.resize(source_count);
    r_vec_.resize(source_count);
  }
  std::sort(reset_trials_.begin(), reset_trials_.end());
}

double error_modulated_hebbian_rule::trace(std::uint64_t s, tick_type now) const {
  return r_[s] * std::exp(-static_cast<double>(now - r_tick_[s]) * inv_tau_ticks_);
}

void error_modulated_hebbian_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  for (std::uint64_t s = first; s < last; ++s) {
    r_[s] = trace(s, now) + 1.0;
    r_tick_[s] = now;
  }
}

void error_modulated_hebbian_rule::change(std::uint64_t s, double new_w, tick_type now) {
  new_w = keeper_.clip_and_log(s, new_w, now);
  const double delta = new_w - w_[s];
  if (delta == 0.0) return;
  readout_.add_to_output(targets_[s], now, delta * trace(s, now));
  w_[s] = new_w;
  keeper_.sync(s, new_w);
}

void error_modulated_hebbian_rule::consolidate(tick_type now, std::span<const std::uint64_t> synapses) {
  for (const std::uint64_t s : synapses) {
    if (pending_[s] != 0.0) change(s, w_[s] + pending_[s], now);
    pending_[s] = 0.0;
  }
}

void error_modulated_hebbian_rule::reset_rls() {
  const std::size_t n = source_count_;
  P_.assign(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) P_[i * n + i] = 1.0 / p_.rls_alpha;
}

void error_modulated_hebbian_rule::on_tick(tick_type now, std::span<const std::uint64_t> synapses) {
  if (p_.mode == readout_learning::offline) {
    // Consolidation at the first step at or after each trial's end.
    while (next_trial_ < protocol_.trial_start.size() && protocol_.trial_end(next_trial_) <= now) {
      consolidate(now, synapses);
      ++next_trial_;
    }
  }
  if (p_.mode == readout_learning::rls) {
    while (next_reset_ < reset_trials_.size() && reset_trials_[next_reset_] < protocol_.trial_start.size() &&
           protocol_.trial_start[reset_trials_[next_reset_]] <= now) {
      reset_rls();
      ++next_reset_;
    }
  }
  const double gate = protocol_.empty() ? 1.0 : protocol_.gate.at(now);
  if (gate <= 0.0 || !keeper_.learning(now)) return;
  for (neuron_id_type k = 0; k < readout_size_; ++k)
    error_[k] = readout_.target(k, now) - readout_.output(k, now);
  if (p_.mode == readout_learning::rls) {
    rls_step(now, synapses, gate);
    return;
  }
  const double rate = p_.eta_per_ms * p_.step_ms * gate;
  for (const std::uint64_t s : synapses) {
    const double dw = rate * error_[targets_[s]] * trace(s, now);
    if (p_.mode == readout_learning::online)
      change(s, w_[s] + dw, now);
    else
      pending_[s] += dw;
  }
}

void error_modulated_hebbian_rule::rls_step(tick_type now, std::span<const std::uint64_t> /*synapses*/,
                                            double /*gate*/) {
  const std::size_t n = source_count_;
  const neuron_id_type K = readout_size_;
  for (std::size_t j = 0; j < n; ++j) {
    const std::uint64_t s = synapse_of_[j * K];
    r_vec_[j] = s == no_synapse ? 0.0 : trace(s, now);
  }
  // P r (P is symmetric), r^T P r.
  double rPr = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double* row = &P_[i * n];
    double acc = 0.0;
    for (std::size_t j = 0; j < n; ++j) acc += row[j] * r_vec_[j];
    Pr_[i] = acc;
    rPr += r_vec_[i] * acc;
  }
  const double c = 1.0 / (1.0 + rPr);
  for (std::size_t i = 0; i < n; ++i) {
    double* row = &P_[i * n];
    const double a = c * Pr_[i];
    for (std::size_t j = 0; j < n; ++j) row[j] -= a * Pr_[j];
  }
  // W_k <- W_k - e_k P(t) r = W_k + error_k * c * P(t-1) r.
  for (neuron_id_type k = 0; k < K; ++k) {
    const double e = error_[k];
    if (e == 0.0) continue;
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t s = synapse_of_[j * K + k];
      if (s != no_synapse && Pr_[j] != 0.0) change(s, w_[s] + e * c * Pr_[j], now);
    }
  }
}

void error_modulated_hebbian_rule::state(state_archive& ar) {
  ar.begin_section("error_modulated_hebbian");
  archive_fixed_block(ar, w_, "synapses");
  archive_fixed_block(ar, r_, "presynaptic traces");
  archive_fixed_block(ar, r_tick_, "presynaptic trace ticks");
  archive_fixed_block(ar, pending_, "pending trial changes");
  archive_fixed_block(ar, error_, "readout errors");
  archive_fixed_block(ar, P_, "inverse correlation matrix");
  archive_fixed_block(ar, Pr_, "rls scratch P r");
  archive_fixed_block(ar, r_vec_, "rls scratch r");
  std::uint64_t next_trial = next_trial_, next_reset = next_reset_;
  ar.value(next_trial);
  ar.value(next_reset);
  if (ar.loading()) {
    if (next_trial > protocol_.trial_start.size()) ar.fail("next trial lies beyond the protocol's trials");
    if (next_reset > reset_trials_.size()) ar.fail("next rls reset lies beyond the reset trials");
    next_trial_ = next_trial;
    next_reset_ = next_reset;
  }
  ar.end_section();
}

}  // namespace spikeq::plasticity
