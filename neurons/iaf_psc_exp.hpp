// Current-based leaky integrate-and-fire neuron with exponential synaptic currents
// (NEST iaf_psc_exp), time-stepped with the exact propagator of the linear ODE
// (Rotter & Diesmann 1999). Equations and defaults: docs/models/iaf_psc_exp.md.
#pragma once

#include <vector>

#include "core/population.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

struct iaf_psc_exp_parameters {
  double C_m_pF = 250.0;
  double tau_m_ms = 10.0;
  double E_L_mV = -70.0;
  double V_th_mV = -55.0;
  double V_reset_mV = -70.0;
  double t_ref_ms = 2.0;
  double tau_syn_ex_ms = 2.0;
  double tau_syn_in_ms = 2.0;
  double I_e_pA = 0.0;
};

// Per-neuron initial values (each vector has the population's size).
struct iaf_psc_exp_state_init {
  std::vector<double> V_m_mV;
  std::vector<double> I_syn_ex_pA;
  std::vector<double> I_syn_in_pA;
};

class iaf_psc_exp final : public population {
 public:
  // REQUIRES: step_ticks >= 1; parameters validated (tau > 0, C_m > 0, t_ref >= 0).
  iaf_psc_exp(std::string name, neuron_id_type size, const iaf_psc_exp_parameters& p,
              const iaf_psc_exp_state_init& init, time_grid grid, tick_type step_ticks);
  // ... the population interface (model, step, receive, set_current, recordables, sample)
};

}  // namespace spikeq
