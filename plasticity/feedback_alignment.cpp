#include "plasticity/feedback_alignment.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/random_stream.hpp"
#include "plasticity/archive_records.hpp"

namespace spikeq::plasticity {

namespace {

constexpr std::uint64_t no_synapse = std::numeric_limits<std::uint64_t>::max();

// ∫ g dt over [from, to) of a piecewise-constant series, in ticks.
double integral_ticks(const step_series& g, tick_type from, tick_type to) {
  double sum = 0.0;
  tick_type t = from;
  double value = g.at(from);
  auto next = std::upper_bound(g.tick.begin(), g.tick.end(), from);
  while (t < to) {
    const tick_type until = next == g.tick.end() ? to : std::min(*next, to);
    sum += value * static_cast<double>(until - t);
    t = until;
    if (next != g.tick.end() && *next == t) {
      value = g.value[static_cast<std::size_t>(next - g.tick.begin())];
      ++next;
    }
  }
  return sum;
}

}  // namespace

feedback_alignment_rule::feedback_alignment_rule(
    const feedback_alignment_parameters& p, double ms_per_tick, std::span<weight_type> table,
    std::span<const neuron_id_type> targets, std::vector<std::uint32_t> sources, std::uint32_t source_count,
    neuron_id_type target_count, const feedback_alignment_layout& layout, readout_signal& readout,
    neuron_id_type readout_size, const trial_protocol& protocol)
    : weight_owning_rule(table, p.bounds),
      p_(p),
      step_ticks_(static_cast<tick_type>(std::llround(p.step_ms / ms_per_tick))),
      targets_(targets),
      sources_(std::move(sources)),
      source_count_(source_count),
      readout_(readout),
      readout_size_(readout_size),
      protocol_(protocol),
      shard_of_target_(layout.shard_of_target) {
  if (step_ticks_ < 1) throw std::invalid_argument("step must be at least one resolution step");
  if (targets_.size() != table.size() || sources_.size() != table.size())
    throw std::invalid_argument("feedback_alignment: one target and source per synapse");
  if (shard_of_target_.size() != target_count)
    throw std::invalid_argument("feedback_alignment: shard layout");
  if (protocol.empty())
    throw std::invalid_argument("feedback_alignment learns per sample: the network needs an image_dataset");
  if (p.lag_ticks + step_ticks_ >= protocol.trial_ticks)
    throw std::invalid_argument(
        "feedback_alignment updates a sample's weights one kernel window after its end and must do so "
        "before the sample after next begins: trials (presentation + blank) must be longer than the "
        "readout's step plus the network's minimum delay");
  readout_.trial_errors().reserve(protocol.trial_start.size(), readout_size);
  for (auto& bank : pre_count_) bank.assign(w_.size(), 0.0);
  for (auto& bank : post_count_) bank.assign(target_count, 0.0);

  B_.resize(std::size_t{target_count} * readout_size);
  for (neuron_id_type i = 0; i < target_count; ++i) {
    random_stream rng(p.seed, stream_kind::feedback_weight, p.id, i);
    for (neuron_id_type k = 0; k < readout_size; ++k)
      B_[std::size_t{i} * readout_size + k] = p.feedback.sample(rng, k);
  }
  gate_open_ms_.resize(protocol.trial_start.size());
  for (std::size_t n = 0; n < gate_open_ms_.size(); ++n)
    gate_open_ms_[n] =
        integral_ticks(protocol.gate, protocol.trial_start[n], protocol.trial_end(n)) * ms_per_tick;

  parts_.resize(std::max<std::size_t>(layout.shards, 1));
  for (neuron_id_type i = 0; i < target_count; ++i) {
    if (shard_of_target_[i] >= parts_.size()) throw std::invalid_argument("feedback_alignment: shard layout");
    parts_[shard_of_target_[i]].targets.push_back(i);
  }
  for (shard_part& part : parts_) part.delta.resize(target_count);
  if (!p.hlop) return;
  if (protocol.task_start.empty())
    throw std::invalid_argument("hlop needs task boundaries: the network needs an image_dataset");
  // With one delay, every synapse from j counts the same arrivals: x̄ is read from
  // each shard's first hidden neuron's synapses.
  std::vector<std::uint64_t> synapse_of(std::size_t{source_count} * target_count, no_synapse);
  for (std::uint64_t s = 0; s < w_.size(); ++s) {
    auto& slot = synapse_of[std::size_t{sources_[s]} * target_count + targets_[s]];
    if (slot != no_synapse)
      throw std::invalid_argument("hlop needs at most one synapse per (presynaptic neuron, hidden neuron)");
    slot = s;
  }
  if (std::find(synapse_of.begin(), synapse_of.end(), no_synapse) != synapse_of.end())
    throw std::invalid_argument(
        "hlop needs every presynaptic neuron connected to every hidden neuron (all_to_all)");
  for (shard_part& part : parts_) {
    if (part.targets.empty()) continue;
    part.hlop = std::make_unique<hlop::task_subspace>(
        source_count, static_cast<std::uint32_t>(protocol.task_start.size()), *p.hlop);
    part.x.resize(source_count);
    part.source_synapse.resize(source_count);
    for (std::uint32_t j = 0; j < source_count; ++j)
      part.source_synapse[j] = synapse_of[std::size_t{j} * target_count + part.targets.front()];
  }
}

const hlop::task_subspace* feedback_alignment_rule::subspace() const {
  for (const shard_part& part : parts_)
    if (part.hlop) return part.hlop.get();
  return nullptr;
}

double feedback_alignment_rule::gate_at(tick_type now, std::size_t& trial) const {
  const double g = protocol_.gate.at(now);
  if (g <= 0.0) return 0.0;
  const std::ptrdiff_t k = protocol_.trial_at(now);
  if (k < 0) return 0.0;
  trial = static_cast<std::size_t>(k);
  return g;
}

void feedback_alignment_rule::on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) {
  std::size_t trial = 0;
  const double g = gate_at(now, trial);
  if (g <= 0.0) return;
  std::vector<double>& bank = pre_count_[trial & 1U];
  for (std::uint64_t s = first; s < last; ++s) bank[s] += g;
}

void feedback_alignment_rule::on_post_arrival(tick_type now, neuron_id_type target,
                                              std::span<const std::uint64_t>) {
  std::size_t trial = 0;
  const double g = gate_at(now, trial);
  if (g > 0.0) post_count_[trial & 1U][target] += g;
}

void feedback_alignment_rule::on_tick(tick_type now, std::span<const std::uint64_t> synapses) {
  if (synapses.empty()) return;
  shard_part& part = parts_[shard_of_target_[targets_[synapses.front()]]];
  while (part.next_trial < protocol_.trial_start.size() &&
         protocol_.trial_end(part.next_trial) + p_.lag_ticks <= now) {
    update(part, part.next_trial, now, synapses);
    ++part.next_trial;
  }
}

void feedback_alignment_rule::change(std::uint64_t s, double new_w, tick_type now) {
  new_w = keeper_.clip_and_log(s, new_w, now);
  if (new_w == w_[s]) return;
  w_[s] = new_w;
  keeper_.sync(s, new_w);
}

void feedback_alignment_rule::update(shard_part& part, std::size_t trial, tick_type now,
                                     std::span<const std::uint64_t> synapses) {
  if (protocol_.evaluation.empty() ? false : protocol_.evaluation[trial] != 0) return;
  const double open_s = gate_open_ms_[trial] * 1e-3;
  if (open_s <= 0.0) return;
  // A task's first training sample begins a new task for the lateral learner.
  while (part.next_task < protocol_.task_start.size() && protocol_.task_start[part.next_task] <= trial) {
    if (part.next_task > 0 && part.hlop) part.hlop->begin_next_task();
    ++part.next_task;
  }
  const unsigned bank = trial & 1U;
  const std::span<const double> error = readout_.trial_errors().row(trial);
  for (const neuron_id_type i : part.targets) {
    double& count = post_count_[bank][i];
    double d = 0.0;
    if (count / open_s < p_.rate_max_hz) {
      const double* b = &B_[std::size_t{i} * readout_size_];
      for (neuron_id_type k = 0; k < readout_size_; ++k) d += b[k] * error[k];
    }
    part.delta[i] = p_.eta * d;
    count = 0.0;
  }
  std::vector<double>& pre = pre_count_[bank];
  const bool learning = keeper_.learning(now);
  if (part.hlop) {
    for (std::uint32_t j = 0; j < source_count_; ++j) part.x[j] = pre[part.source_synapse[j]] / open_s;
    part.hlop->observe(part.x);
    part.hlop->end_sample();
    part.hlop->project_rows(part.x, 1);
    for (const std::uint64_t s : synapses) {
      const double dw = part.delta[targets_[s]] * part.x[sources_[s]];
      if (learning && dw != 0.0) change(s, w_[s] + dw, now);
      pre[s] = 0.0;
    }
    return;
  }
  for (const std::uint64_t s : synapses) {
    const double dw = part.delta[targets_[s]] * (pre[s] / open_s);
    if (learning && dw != 0.0) change(s, w_[s] + dw, now);
    pre[s] = 0.0;
  }
}

void feedback_alignment_rule::state(state_archive& ar) {
  ar.begin_section("feedback_alignment");
  archive_fixed_block(ar, w_, "synapses");
  archive_fixed_block(ar, pre_count_[0], "presynaptic counts (even trials)");
  archive_fixed_block(ar, pre_count_[1], "presynaptic counts (odd trials)");
  archive_fixed_block(ar, post_count_[0], "hidden spike counts (even trials)");
  archive_fixed_block(ar, post_count_[1], "hidden spike counts (odd trials)");
  ar.expect(parts_.size(), "feedback_alignment shards");
  for (shard_part& part : parts_) {
    std::uint64_t next_trial = part.next_trial, next_task = part.next_task;
    ar.value(next_trial);
    ar.value(next_task);
    if (ar.loading()) {
      if (next_trial > protocol_.trial_start.size()) ar.fail("next trial lies beyond the protocol's trials");
      if (next_task > protocol_.task_start.size()) ar.fail("next task lies beyond the data set's tasks");
      part.next_trial = next_trial;
      part.next_task = next_task;
    }
    if (part.hlop) part.hlop->state(ar);
  }
  ar.end_section();
}

}  // namespace spikeq::plasticity
