// Two-compartment stochastic pyramidal neurons of the dendritic cortical microcircuit
// (Sacramento et al. 2018) as the SAL paper's Fig. 6 code simulates them (rules.md
// §3.6): in every step of length dt
//   v_bas = sum W_basal PSP,  v_api = sum B PSP (top-down),  v_inn = sum W_pi PSP,
//   u     = b + I + v_bas + lambda_api (v_api + kappa v_inn)
//           + lambda_nudge (u_tgt - <v_bas> - b)       (only while a target is given),
//   P(spike) = sigma(u - ln tau_ref), absolute refractoriness as glm_sampling.
// <x> is the mean of x over the last `average_window` steps (fewer at the start),
// taken before this step's value enters; the dendritic prediction rule reads
// sigma(<u>) - sigma(<v_bas> + b) through dendritic_error(). lambda_api (apical
// coupling), kappa (interneuron coupling) and lambda_nudge may follow step series
// (protocol phases). PSPs are rectangular (1 for tau_syn steps from the step after
// the spike's arrival, as glm_sampling). Equations and the mapping to the paper
// code: docs/models/sal_microcircuit.md.
//
// Randomness: one uniform per step the neuron may fire in, from the stream keyed by
// (seed, glm_spiking, population, neuron), as glm_sampling.
// Thread safety: one shard owns the whole population (small circuits); the rules
// that read it run on that shard.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/population.hpp"
#include "core/random_stream.hpp"
#include "core/trial_protocol.hpp"
#include "neurons/glm_sampling.hpp"

namespace spikeq {

struct glm_pyramidal_parameters {
  std::int32_t tau_ref_steps = 10;
  std::int32_t tau_syn_steps = 10;  // rectangular PSP length
  std::int32_t average_steps = 2000;
  double apical_coupling = 0.0;
  double interneuron_coupling = 1.0;
  double nudging = 0.0;
  glm_refractoriness refractoriness = glm_refractoriness::buesing_2011;
};

class glm_pyramidal final : public population {
 public:
  enum class setting : std::uint8_t { apical_coupling, interneuron_coupling, nudging };

  glm_pyramidal(std::string name, neuron_id_type size, const glm_pyramidal_parameters& p,
                std::vector<double> bias, tick_type step_ticks, std::uint64_t seed,
                std::uint32_t stream_object);

  std::string_view model() const override { return "glm_pyramidal"; }
  tick_type step_ticks() const override { return step_ticks_; }
  void step(tick_type now, population_output& out) override;
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  // Currents are dimensionless terms added to u (like the bias).
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude,
                   population_output& out) override;
  std::vector<std::string> recordables() const override {
    return {"z", "u", "V_b", "v_api", "u_avg", "V_b_avg", "u_tgt"};
  }
  std::string recordable_unit(std::size_t) const override { return ""; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;
  void state(state_archive& ar) override;

  // The nudging target u_tgt of neuron n (0 before the series starts: no nudging
  // while the series is 0 and has not started). The series must outlive the run.
  void set_target(neuron_id_type n, const step_series* target) { target_[n] = target; }
  // While `series` has started, the setting takes its value instead of the fixed one.
  void set_schedule(setting which, const step_series* series) {
    schedule_[static_cast<std::size_t>(which)] = series;
  }
  // sigma(<u>) - sigma(<v_bas> + b): the dendritic prediction error of neuron n
  // after the last step (sigma with the hazard's offset ln tau_ref).
  double dendritic_error(neuron_id_type n) const;
  double hazard(double u) const;

 private:
  double setting_at(setting which, double fixed, tick_type now) const;
  void absorb_input(std::uint64_t step_index);

  glm_pyramidal_parameters p_;
  tick_type step_ticks_;
  double log_tau_ref_;
  std::int32_t min_interval_;
  std::vector<double> bias_;
  std::vector<double> I_stim_;
  // Per channel (basal, apical, interneuron): input absorbed per step slot, the
  // running PSP sums and the input of the step in progress.
  static constexpr std::size_t channels = 3;
  std::array<std::vector<double>, channels> history_;
  std::array<std::vector<double>, channels> psp_;
  std::array<std::vector<double>, channels> incoming_;
  std::vector<double> u_;
  // Moving averages: the last average_steps values of u and v_bas per neuron
  // (ring, slot = step index mod window) and their sums.
  std::vector<double> u_window_, vb_window_;
  std::vector<double> u_sum_, vb_sum_;
  std::uint64_t steps_done_ = 0;
  std::vector<std::int32_t> since_spike_;
  std::vector<const step_series*> target_;
  std::array<const step_series*, 3> schedule_{};
  std::vector<random_stream> streams_;
};

}  // namespace spikeq
