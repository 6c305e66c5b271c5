// Izhikevich (2003) simple spiking model, time-stepped. Two schemes:
//   - izhikevich_2003: the author's published scheme (v in two half-steps, u in one
//     step with the new v; input summed over the step), for reproducing his papers;
//   - rk4: classical Runge-Kutta on the continuous ODE with synaptic input as jumps
//     of v, whose spike times converge as the step shrinks.
// Equations, presets and conventions: docs/models/izhikevich.md.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/population.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

enum class izhikevich_scheme { izhikevich_2003, rk4 };

struct izhikevich_parameters {
  double a = 0.02;
  double b = 0.2;
  double c_mV = -65.0;
  double d = 8.0;
  double V_th_mV = 30.0;  // spike cut-off (peak), not a threshold
  double I_e = 0.0;       // constant input, model units (mV/ms with R = 1)
  izhikevich_scheme scheme = izhikevich_scheme::izhikevich_2003;
};

// The seven classic presets of Izhikevich (2003), Fig. 2: RS IB CH FS LTS TC RZ.
// Returns false if the name is unknown. Only a, b, c, d are set.
bool apply_izhikevich_preset(std::string_view name, izhikevich_parameters& p);

struct izhikevich_state_init {
  std::vector<double> V_m_mV;
  std::vector<double> U_m;
};

// Per-neuron a, b, c, d of a heterogeneous population (all four vectors of the
// population's size); empty: every neuron has izhikevich_parameters' values.
struct izhikevich_neuron_parameters {
  std::vector<double> a, b, c_mV, d;
};

// Izhikevich's net.m (2003) heterogeneity, one r ~ U(0, 1) per neuron:
//   excitatory: a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2   (RS at r = 0, CH at r = 1)
//   inhibitory: a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2  (LTS at r = 0, FS at r = 1)
enum class izhikevich_heterogeneity { none, net_m_excitatory, net_m_inhibitory };
izhikevich_neuron_parameters net_m_parameters(izhikevich_heterogeneity kind, std::span<const double> r);

class izhikevich final : public population {
 public:
  izhikevich(std::string name, neuron_id_type size, const izhikevich_parameters& p,
             const izhikevich_state_init& init, time_grid grid, tick_type step_ticks,
             const izhikevich_neuron_parameters& per_neuron = {});

  std::string_view model() const override { return "izhikevich"; }
  void state(state_archive& ar) override;
  tick_type step_ticks() const override { return step_ticks_; }
  void step(tick_type now, population_output& out) override;
  void receive(tick_type now, receptor_type receptor, std::span<const neuron_id_type> targets,
               std::span<const weight_type> weights, population_output& out) override;
  void set_current(tick_type now, std::span<const neuron_id_type> neurons, double amplitude,
                   population_output& out) override;
  void set_noise_currents(tick_type now, std::span<const neuron_id_type> neurons,
                          std::span<const double> amplitudes, population_output& out) override;
  std::vector<std::string> recordables() const override { return {"V_m", "U_m"}; }
  std::string recordable_unit(std::size_t variable) const override { return variable == 0 ? "mV" : ""; }
  void sample(std::size_t variable, tick_type now, std::span<const neuron_id_type> neurons,
              std::span<double> values) const override;

 private:
  // with_noise: add I_noise_ to the input current (else it is empty).
  template <bool with_noise>
  void step_izhikevich_2003();
  template <bool with_noise>
  void step_rk4();

  izhikevich_parameters p_;
  tick_type step_ticks_;
  double h_ms_;
  // a, b, c, d per neuron (p_'s values unless heterogeneous).
  std::vector<double> a_, b_, c_mV_, d_;
  std::vector<double> v_mV_, u_, I_stim_;
  // Noise currents (set_noise_currents), added to I_stim; empty until the first.
  std::vector<double> I_noise_;
  // Input that arrived during the current step (both receptors: weights are signed).
  std::vector<double> input_;
};

}  // namespace spikeq
