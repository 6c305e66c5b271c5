#include "plasticity/error_modulated_hebbian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

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
    : weight_owning_rule(table, p.bounds),
      p_(p),
      step_ticks_(static_cast<tick_type>(std::llround(p.step_ms / ms_per_tick))),
      inv_tau_ticks_(ms_per_tick / readout.trace_tau_ms()),
      targets_(targets),
      sources_(std::move(sources)),
      readout_(readout),
      protocol_(protocol),
      r_(table.size(), 0.0),
      r_tick_(table.size(), 0),
      error_(readout_size, 0.0),
      source_count_(source_count),
      readout_size_(readout_size),
      reset_trials_(std::move(reset_trials)) {
  if (step_ticks_ < 1) throw std::invalid_argument("step must be at least one resolution step");
  if (targets_.size() != table.size() || sources_.size() != table.size())
    throw std::invalid_argument("error_modulated_hebbian: one target and source per synapse");
  if (p.mode == readout_learning::offline) pending_.assign(w_.size(), 0.0);
  if (p.mode == readout_learning::rls) {
    map_synapses("rls");
    reset_rls();
    Pr_.resize(source_count);
    r_vec_.resize(source_count);
  }
  if (p.hlop) {
    if (p.mode == readout_learning::rls)
      throw std::invalid_argument("hlop projects error x trace updates: use mode ONLINE or OFFLINE, not RLS");
    if (protocol.task_start.empty())
      throw std::invalid_argument("hlop needs task boundaries: the network needs an image_dataset");
    map_synapses("hlop");
    for (const std::uint64_t s : synapse_of_)
      if (s == no_synapse)
        throw std::invalid_argument(
            "hlop needs every presynaptic neuron connected to every readout neuron (all_to_all)");
    hlop_ = std::make_unique<hlop::task_subspace>(
        source_count, static_cast<std::uint32_t>(protocol.task_start.size()), *p.hlop);
    r_vec_.resize(source_count);
    rows_.resize(std::size_t{source_count} * readout_size);
    if (p.mode == readout_learning::online) step_change_.resize(w_.size());
  }
  std::sort(reset_trials_.begin(), reset_trials_.end());
}

void error_modulated_hebbian_rule::map_synapses(const char* needed_by) {
  synapse_of_.assign(std::size_t{source_count_} * readout_size_, no_synapse);
  for (std::uint64_t s = 0; s < w_.size(); ++s) {
    auto& slot = synapse_of_[std::size_t{sources_[s]} * readout_size_ + targets_[s]];
    if (slot != no_synapse)
      throw std::invalid_argument(std::string(needed_by) +
                                  " needs at most one synapse per (presynaptic neuron, readout neuron)");
    slot = s;
  }
}

void error_modulated_hebbian_rule::load_source_traces(tick_type now) {
  const neuron_id_type K = readout_size_;
  for (std::size_t j = 0; j < source_count_; ++j) {
    const std::uint64_t s = synapse_of_[j * K];
    r_vec_[j] = s == no_synapse ? 0.0 : trace(s, now);
  }
}

// Per-synapse changes, row by row (one row per readout neuron over the presynaptic
// neurons), projected onto the complement of the frozen subspace.
void error_modulated_hebbian_rule::project_changes(std::vector<double>& per_synapse) {
  if (!hlop_ || !hlop_->projects()) return;
  const std::size_t n = source_count_;
  const neuron_id_type K = readout_size_;
  for (neuron_id_type k = 0; k < K; ++k)
    for (std::size_t j = 0; j < n; ++j) rows_[k * n + j] = per_synapse[synapse_of_[j * K + k]];
  hlop_->project_rows(rows_, K);
  for (neuron_id_type k = 0; k < K; ++k)
    for (std::size_t j = 0; j < n; ++j) per_synapse[synapse_of_[j * K + k]] = rows_[k * n + j];
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
  project_changes(pending_);
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
  if (p_.mode == readout_learning::offline || hlop_ || readout_.trial_errors().active())
    pass_trial_ends(now, synapses);
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
  if (readout_.trial_errors().active()) {
    if (error_sum_.empty()) error_sum_.assign(readout_size_, 0.0);
    for (neuron_id_type k = 0; k < readout_size_; ++k) error_sum_[k] += gate * error_[k];
    error_weight_ += gate;
  }
  if (p_.mode == readout_learning::rls) {
    rls_step(now, synapses, gate);
    return;
  }
  const double rate = p_.eta_per_ms * p_.step_ms * gate;
  if (hlop_) {
    load_source_traces(now);
    hlop_->observe(r_vec_);
    if (p_.mode == readout_learning::online && hlop_->projects()) {
      // One projection per step needs the whole step's change matrix first.
      for (const std::uint64_t s : synapses) step_change_[s] = rate * error_[targets_[s]] * trace(s, now);
      project_changes(step_change_);
      for (const std::uint64_t s : synapses) change(s, w_[s] + step_change_[s], now);
      return;
    }
  }
  for (const std::uint64_t s : synapses) {
    const double dw = rate * error_[targets_[s]] * trace(s, now);
    if (p_.mode == readout_learning::online)
      change(s, w_[s] + dw, now);
    else
      pending_[s] += dw;
  }
}

// At the first step at or after each trial's end: the sample's trace joins the HLOP
// batch and (offline) the trial's changes are consolidated; at each task's first
// training trial the HLOP subspace is frozen and grows.
void error_modulated_hebbian_rule::pass_trial_ends(tick_type now, std::span<const std::uint64_t> synapses) {
  while (next_trial_ < protocol_.trial_start.size() && protocol_.trial_end(next_trial_) <= now) {
    publish_trial_error(next_trial_);
    if (hlop_) hlop_->end_sample();
    if (p_.mode == readout_learning::offline) consolidate(now, synapses);
    ++next_trial_;
  }
  if (!hlop_) return;
  while (next_task_ < protocol_.task_start.size() &&
         protocol_.trial_start[protocol_.task_start[next_task_]] <= now) {
    if (next_task_ > 0) hlop_->begin_next_task();
    ++next_task_;
  }
}

// The trial's gate-weighted mean error, for hidden layers trained by feedback
// alignment (core/trial_errors.hpp); zero for trials without learning steps.
void error_modulated_hebbian_rule::publish_trial_error(std::size_t trial) {
  trial_error_table& table = readout_.trial_errors();
  if (!table.active()) return;
  if (error_sum_.empty()) error_sum_.assign(readout_size_, 0.0);
  if (error_weight_ > 0.0)
    for (double& e : error_sum_) e /= error_weight_;
  table.publish(trial, error_sum_);
  std::fill(error_sum_.begin(), error_sum_.end(), 0.0);
  error_weight_ = 0.0;
}

void error_modulated_hebbian_rule::rls_step(tick_type now, std::span<const std::uint64_t> /*synapses*/,
                                            double /*gate*/) {
  const std::size_t n = source_count_;
  const neuron_id_type K = readout_size_;
  load_source_traces(now);
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
  ar.block(error_sum_);  // empty until the first published trial
  if (!error_sum_.empty() && error_sum_.size() != readout_size_) ar.fail("trial error sums: wrong count");
  ar.value(error_weight_);
  std::uint64_t next_trial = next_trial_, next_reset = next_reset_;
  ar.value(next_trial);
  ar.value(next_reset);
  if (ar.loading()) {
    if (next_trial > protocol_.trial_start.size()) ar.fail("next trial lies beyond the protocol's trials");
    if (next_reset > reset_trials_.size()) ar.fail("next rls reset lies beyond the reset trials");
    next_trial_ = next_trial;
    next_reset_ = next_reset;
  }
  if (hlop_) {
    std::uint64_t next_task = next_task_;
    ar.value(next_task);
    if (ar.loading()) {
      if (next_task > protocol_.task_start.size()) ar.fail("next task lies beyond the data set's tasks");
      next_task_ = next_task;
    }
    hlop_->state(ar);
  }
  ar.end_section();
}

}  // namespace spikeq::plasticity
