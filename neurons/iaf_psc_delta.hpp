// Leaky integrate-and-fire neuron with voltage-jump (delta) synapses (NEST
// iaf_psc_delta), simulated exactly and event-driven: the state is advanced
// analytically only when input, a current change or a predicted threshold crossing
// happens; spike times fall on the tick grid with no step error.
// Input arriving while refractory is discarded (NEST's default refractory_input = false).
// Equations and conventions: docs/models/iaf_psc_delta.md.
#pragma once

#include <cstdint>
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
  // What every input reads and writes, kept together: an input goes to one neuron
  // and touches all of this, so a 32-byte record costs one cache line where one
  // array per field cost five (bench/RESULTS.md, "iaf_psc_delta: hot state").
  struct alignas(32) hot_state {
    double V_mV;
    double V_inf_mV;  // E_L + R (I_e + I_stim + I_noise): where V relaxes to
    tick_type last_update;
    std::uint32_t refractory_ticks_left;  // after last_update
    std::uint32_t version;                // of the latest threshold prediction
    tick_type refractory_until() const { return last_update + refractory_ticks_left; }
  };
  static_assert(sizeof(hot_state) == 32);

  double potential(const hot_state& s, tick_type now) const;
  // Brings the state forward to `now` analytically.
  void advance(hot_state& s, tick_type now) const;
  void update_V_inf(neuron_id_type n);
  // Advances n to `now`, lets `change` alter its input current and predicts anew.
  template <typename Change>
  void change_current(neuron_id_type n, tick_type now, population_output& out, Change change);
  void fire(neuron_id_type n, tick_type now, population_output& out);
  // Invalidates earlier predictions and schedules the next threshold crossing
  // under constant input, if there is one.
  void predict(neuron_id_type n, tick_type now, population_output& out);
  void schedule_crossing(neuron_id_type n, tick_type now, population_output& out);

  // exp(-elapsed / tau_m): tabulated for short intervals, where inputs keep
  // arriving (profiles showed one exp per input as the model's main cost).
  double decay(tick_type elapsed) const;
  static constexpr tick_type tabulated_ticks = 1 << 14;

  iaf_psc_delta_parameters p_;
  time_grid grid_;
  std::vector<double> decay_;
  double R_MOhm_;  // tau_m / C_m: mV per pA
  std::uint32_t refractory_ticks_;
  std::vector<hot_state> hot_;
  std::vector<double> I_stim_pA_;
  // Noise currents (set_noise_currents), added to I_stim; empty until the first.
  std::vector<double> I_noise_pA_;
};

}  // namespace spikeq
