// Error-modulated, attention-gated Hebbian learning of readout weights (rules.md
// §5.6; Yamada & Chao 2025): on a fixed step, while the protocol's gate g(t) is
// open,
//   dW_kj/dt = eta * g(t) * (y*_k(t) - y_k(t)) * r_j(t),
// the §5.1 template with an instantaneous eligibility and the error as third
// factor. r_j is the presynaptic trace the readout uses (tau from the readout),
// y_k the readout's output and y*_k its teacher signal (core/readout_signal.hpp).
// Modes:
//   - online: each step's change is applied at once ("when" learning in real time);
//   - offline: changes are summed while the gate is open and applied at the end of
//     each trial (consolidation of stored traces between trials);
//   - rls: FORCE (Sussillo & Abbott 2009), recursive least squares with the same
//     gate and teacher: e = y - y*, P <- P - P r r^T P / (1 + r^T P r),
//     W_k <- W_k - e_k P r, P(0) = I / alpha; P is reset at the protocol's reset
//     trials. Needs every readout neuron to see the same presynaptic neurons.
// y_k is kept equal to sum_j W_kj r_j after every change.
// With `hlop` (online or offline), changes are HLOP-projected (plasticity/hlop/
// task_subspace.hpp): every readout neuron's row of changes loses its components in
// the frozen subspace of earlier tasks' presynaptic traces before it is applied, so
// dW_kj = eta g e_k r~_j with r~ = r - H0^T H0 r. The lateral rows learn from each
// training sample's mean trace vector; task boundaries are the data set's
// (trial_protocol::task_start). Needs, as rls, one synapse per (presynaptic neuron,
// readout neuron).
//
// Thread safety: the readout is a single-shard population, so one shard calls this
// rule; state is per synapse and per readout neuron.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/readout_signal.hpp"
#include "core/trial_protocol.hpp"
#include "plasticity/hlop/task_subspace.hpp"
#include "plasticity/weight_owning_rule.hpp"
#include "plasticity/weight_snapshot.hpp"

namespace spikeq::plasticity {

enum class readout_learning { online, offline, rls };

struct error_modulated_hebbian_parameters {
  double eta_per_ms = 1e-3;
  double step_ms = 1.0;
  readout_learning mode = readout_learning::online;
  double rls_alpha = 1.0;  // P(0) = I / alpha
  weight_bounds bounds{-1e9, 1e9};
  std::optional<hlop::task_subspace_parameters> hlop;
};

class error_modulated_hebbian_rule final : public weight_owning_rule {
 public:
  // `targets`/`sources`: the table's target and source of every synapse;
  // `protocol`: gate, trial ends and resets (an empty protocol: gate always 1);
  // `resets`: the trials at which rls restarts. All must outlive the rule.
  error_modulated_hebbian_rule(const error_modulated_hebbian_parameters& p, double ms_per_tick,
                               std::span<weight_type> table, std::span<const neuron_id_type> targets,
                               std::vector<std::uint32_t> sources, std::uint32_t source_count,
                               readout_signal& readout, neuron_id_type readout_size,
                               const trial_protocol& protocol, std::vector<std::uint32_t> reset_trials);

  void on_pre_arrival(tick_type now, std::uint64_t first, std::uint64_t last) override;
  void on_post_arrival(tick_type, neuron_id_type, std::span<const std::uint64_t>) override {}
  tick_type tick_interval() const override { return step_ticks_; }
  void on_tick(tick_type now, std::span<const std::uint64_t> synapses) override;
  void state(state_archive& ar) override;

  double trace(std::uint64_t s, tick_type now) const;
  // The HLOP module (nullptr without `hlop`).
  const hlop::task_subspace* subspace() const { return hlop_.get(); }

 private:
  void change(std::uint64_t s, double new_w, tick_type now);
  void consolidate(tick_type now, std::span<const std::uint64_t> synapses);
  void rls_step(tick_type now, std::span<const std::uint64_t> synapses, double gate);
  void reset_rls();
  void map_synapses(const char* needed_by);
  void load_source_traces(tick_type now);
  void pass_trial_ends(tick_type now, std::span<const std::uint64_t> synapses);
  void project_changes(std::vector<double>& per_synapse);
  void publish_trial_error(std::size_t trial);

  error_modulated_hebbian_parameters p_;
  tick_type step_ticks_;
  double inv_tau_ticks_;
  std::span<const neuron_id_type> targets_;
  std::vector<std::uint32_t> sources_;
  readout_signal& readout_;
  const trial_protocol& protocol_;
  std::vector<double> r_;  // presynaptic trace just after the last arrival
  std::vector<tick_type> r_tick_;
  std::vector<double> pending_;  // offline: summed changes of the current trial
  std::vector<double> error_;    // per readout neuron, this step
  // Published trial errors: the current trial's gate-weighted sums (sized on first use).
  std::vector<double> error_sum_;
  double error_weight_ = 0.0;
  std::size_t next_trial_ = 0;  // offline: the trial whose end comes next; rls: next reset
  // rls: per source its synapse onto each readout neuron (source * K + k), the
  // inverse correlation matrix P (sources x sources) and scratch.
  std::uint32_t source_count_ = 0;
  neuron_id_type readout_size_ = 0;
  std::vector<std::uint64_t> synapse_of_;
  std::vector<double> P_, Pr_, r_vec_;
  std::vector<std::uint32_t> reset_trials_;
  std::size_t next_reset_ = 0;
  // hlop: the module, the next task whose start is a boundary, and a K x n scratch.
  std::unique_ptr<hlop::task_subspace> hlop_;
  std::size_t next_task_ = 0;
  std::vector<double> rows_, step_change_;
};

}  // namespace spikeq::plasticity
