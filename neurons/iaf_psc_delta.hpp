// Leaky integrate-and-fire neuron with voltage-jump (delta) synapses (NEST
// iaf_psc_delta), simulated exactly and event-driven: the state is advanced
// analytically only when input, a current change or a predicted threshold crossing
// happens; spike times fall on the tick grid with no step error.
// Input arriving while refractory is discarded (NEST's default refractory_input = false).
// Equations and conventions: docs/models/iaf_psc_delta.md.
#pragma once

#include <vector>

#include "core/population.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

struct iaf_psc_delta_parameters {
  double C_m_pF = 250.0;
  double tau_m_ms = 10.0;
  double E_L_mV = -70.0;
  double V_th_mV = -55.0;
  double V_reset_mV = -70.0;
  double t_ref_ms = 2.0;
  double I_e_pA = 0.0;
};

struct iaf_psc_delta_state_init {
  std::vector<double> V_m_mV;
};

class iaf_psc_delta final : public population {
 public:
  iaf_psc_delta(std::string name, neuron_id_type size, const iaf_psc_delta_parameters& p,
                const iaf_psc_delta_state_init& init, time_grid grid);

  std::string_view model() const override { return "iaf_psc_delta"; }
  void state(state_archive& ar) override;
  void start(population_output& out) override;
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  void wakeup(tick_type now, neuron_id_type neuron, std::uint32_t version, population_output& out) override;
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude_pA,
                   population_output& out) override;
  void set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                          std::span<const double> amplitudes_pA, population_output& out) override;
  std::vector<std::string> recordables() const override { return {"V_m"}; }
  std::string recordable_unit(std::size_t) const override { return "mV"; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

  // Membrane potential of `neuron` at `now` (>= its last update), without changing it.
  double membrane_potential(neuron_id_type neuron, tick_type now) const;

 private:
  double V_inf(neuron_id_type n) const {
    const double noise = I_noise_pA_.empty() ? 0.0 : I_noise_pA_[n];
    return p_.E_L_mV + R_MOhm_ * (p_.I_e_pA + I_stim_pA_[n] + noise);
  }
  // Advances n to `now`, lets `change` alter its input current and predicts anew.
  template <typename Change>
  void change_current(neuron_id_type n, tick_type now, population_output& out, Change change);
  // Brings neuron n's state forward to `now` analytically.
  void advance(neuron_id_type n, tick_type now);
  void fire(neuron_id_type n, tick_type now, population_output& out);
  // Schedules the next threshold crossing under constant input, if any, and
  // invalidates earlier predictions.
  void predict(neuron_id_type n, tick_type now, population_output& out);

  // exp(-elapsed / tau_m): tabulated for short intervals, where inputs keep
  // arriving (profiles showed one exp per input as the model's main cost).
  double decay(tick_type elapsed) const;
  static constexpr tick_type tabulated_ticks = 1 << 14;

  iaf_psc_delta_parameters p_;
  time_grid grid_;
  std::vector<double> decay_;
  double R_MOhm_;  // tau_m / C_m: mV per pA
  tick_type refractory_ticks_;
  std::vector<double> V_mV_;
  std::vector<tick_type> last_update_;
  std::vector<tick_type> refractory_until_;
  std::vector<double> I_stim_pA_;
  // Noise currents (set_noise_currents), added to I_stim; empty until the first.
  std::vector<double> I_noise_pA_;
  std::vector<std::uint32_t> version_;
};

}  // namespace spikeq
