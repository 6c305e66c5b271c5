// Leaky integrate-and-fire neuron with voltage-jump (delta) synapses (NEST
// iaf_psc_delta), simulated exactly and event-driven: the state is advanced
// analytically only when input, a current change or a predicted threshold crossing
// happens; spike times fall on the tick grid with no step error.
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
  bool refractory_input = false;  // NEST: input during refractoriness is discarded unless true
};

struct iaf_psc_delta_state_init {
  std::vector<double> V_m_mV;
};

class iaf_psc_delta final : public population {
 public:
  iaf_psc_delta(std::string name, neuron_id_type size, const iaf_psc_delta_parameters& p,
                const iaf_psc_delta_state_init& init, time_grid grid);
};

}  // namespace spikeq
