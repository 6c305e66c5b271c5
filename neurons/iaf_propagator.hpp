// Exact propagator terms of the current-based LIF neuron with exponential
// synaptic currents over a step h (Rotter & Diesmann 1999; the same
// expressions as NEST's iaf_propagator).
#pragma once

#include <cmath>

namespace spikeq {

// Contribution of a synaptic current I(t) = I0 exp(-t/tau_syn) to V(h) - V(0) per
// unit I0: (beta / C) (exp(-h/tau_m) - exp(-h/tau_syn)), beta = tau_syn tau_m /
// (tau_m - tau_syn), evaluated with expm1 to avoid cancellation; the limit
// (h / C) exp(-h / tau_m) when the time constants coincide.
inline double psc_exp_P21(double h_ms, double tau_m_ms, double tau_syn_ms, double C_m_pF) {
  if (tau_m_ms != tau_syn_ms) {
    const double beta = tau_syn_ms * tau_m_ms / (tau_m_ms - tau_syn_ms);
    const double p21 = beta / C_m_pF * std::exp(-h_ms / tau_syn_ms) *
                       std::expm1(h_ms * (tau_m_ms - tau_syn_ms) / (tau_syn_ms * tau_m_ms));
    if (std::isnormal(p21) && p21 > 0.0) return p21;
  }
  return h_ms / C_m_pF * std::exp(-h_ms / tau_m_ms);
}

// Contribution of a constant current to V(h) - V(0) per pA: (tau_m / C)(1 - exp(-h/tau_m)).
inline double psc_exp_P20(double h_ms, double tau_m_ms, double C_m_pF) {
  return -tau_m_ms / C_m_pF * std::expm1(-h_ms / tau_m_ms);
}

}  // namespace spikeq
