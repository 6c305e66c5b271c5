// A non-spiking linear readout (rules.md §5.6): y_k(t) = sum_j W_kj r_j(t), where
// r_j is an exponential trace of presynaptic j's spikes (+1 per spike, decay
// tau_r). Because every r_j decays with the same tau_r, y_k is itself such a
// trace: each arriving spike adds its weight and y_k decays between arrivals,
// exactly and lazily. A rule that changes W_kj keeps y_k in step through
// readout_signal::add_to_output. Each neuron may have a teacher signal y*_k (from
// the trial protocol or a given time series); recordables: y, target, error
// (target - y). Event-driven: no steps, no spikes.
#pragma once

#include <vector>

#include "core/population.hpp"
#include "core/readout_signal.hpp"
#include "core/trial_protocol.hpp"

namespace spikeq {

class linear_readout final : public population, public readout_signal {
 public:
  linear_readout(std::string name, neuron_id_type size, double tau_r_ms, double ms_per_tick);

  // Teacher signal of neuron k (nullptr: none, target 0). The series must outlive this.
  void set_target(neuron_id_type k, const step_series* series) { targets_[k] = series; }

  std::string_view model() const override { return "linear_readout"; }
  void state(state_archive& ar) override;
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude,
                   population_output& out) override;
  std::vector<std::string> recordables() const override { return {"y", "target", "error"}; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

  double trace_tau_ms() const override { return tau_r_ms_; }
  double output(neuron_id_type k, tick_type now) const override;
  double target(neuron_id_type k, tick_type now) const override;
  void add_to_output(neuron_id_type k, tick_type now, double delta) override;
  trial_error_table& trial_errors() override { return trial_errors_; }

 private:
  double tau_r_ms_;
  double inv_tau_ticks_;
  std::vector<double> y_;  // at last_[k]
  std::vector<tick_type> last_;
  std::vector<const step_series*> targets_;
  trial_error_table trial_errors_;
};

}  // namespace spikeq
