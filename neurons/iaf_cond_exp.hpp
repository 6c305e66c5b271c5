// Conductance-based leaky integrate-and-fire neuron with exponential conductances
// (NEST iaf_cond_exp), time-stepped. Conductances decay exactly; the membrane uses
// the exponential-Euler step with conductances at the step midpoint.
// Equations and accuracy: docs/models/iaf_cond_exp.md.
#pragma once

#include <vector>

#include "core/population.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

struct iaf_cond_exp_parameters {
  double C_m_pF = 250.0;
  double g_L_nS = 16.6667;
  double E_L_mV = -70.0;
  double E_ex_mV = 0.0;
  double E_in_mV = -85.0;
  double V_th_mV = -55.0;
  double V_reset_mV = -60.0;
  double t_ref_ms = 2.0;
  double tau_syn_ex_ms = 0.2;
  double tau_syn_in_ms = 2.0;
  double I_e_pA = 0.0;
};

struct iaf_cond_exp_state_init {
  std::vector<double> V_m_mV;
  std::vector<double> g_ex_nS;
  std::vector<double> g_in_nS;
};

class iaf_cond_exp final : public population {
 public:
  iaf_cond_exp(std::string name, neuron_id_type size, const iaf_cond_exp_parameters& p,
               const iaf_cond_exp_state_init& init, time_grid grid, tick_type step_ticks);
};

}  // namespace spikeq
