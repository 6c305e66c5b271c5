// iaf_psc_exp against closed-form solutions of its linear ODE.
#include "neurons/iaf_psc_exp.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "tests/neurons/driver.hpp"

namespace spikeq {
namespace {

iaf_psc_exp_state_init resting(std::size_t n, const iaf_psc_exp_parameters& p) {
  return {std::vector<double>(n, p.E_L_mV), std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
}

TEST(iaf_psc_exp, f_I_curve_matches_the_closed_form_within_0_1_percent) {
  // Constant current I above rheobase C_m (V_th - E_L) / tau_m = 375 pA (NEST defaults):
  // rate = 1 / (t_ref + tau_m ln(R I / (R I - (V_th - V_reset)))), R = tau_m / C_m, V_reset = E_L
  // (Rotter & Diesmann 1999 propagator; standard LIF first-passage time, e.g. Gerstner & Kistler 2002,
  // Eq. 4.10).
  const iaf_psc_exp_parameters p;  // NEST defaults
  const time_grid grid(0.001);
  const std::vector<double> currents{400, 450, 500, 600, 700, 800, 1000, 1200, 1500, 2000};
  iaf_psc_exp pop("lif", static_cast<neuron_id_type>(currents.size()), p, resting(currents.size(), p), grid,
                  1);
  population_output out;
  for (neuron_id_type n = 0; n < currents.size(); ++n) {
    const neuron_id_type id[] = {n};
    pop.set_current(0, id, currents[n], out);
  }
  const auto spikes = testing::drive(pop, grid.to_ticks(2000));
  for (neuron_id_type n = 0; n < currents.size(); ++n) {
    const auto t = testing::times_of(spikes, n, 0.001);
    ASSERT_GE(t.size(), 10u) << currents[n];
    const double measured = (t.size() - 1) / (t.back() - t.front()) * 1000.0;
    const double RI = p.tau_m_ms / p.C_m_pF * currents[n];
    const double expected =
        1000.0 / (p.t_ref_ms + p.tau_m_ms * std::log(RI / (RI - (p.V_th_mV - p.V_reset_mV))));
    EXPECT_NEAR(measured / expected, 1.0, 1e-3) << "I = " << currents[n] << " pA";
  }
}

// V(t) - E_L after a current jump w at t = 0 (closed form of the linear ODE).
double psc_response(double t, double w, double tau_m, double tau_s, double C) {
  if (tau_m == tau_s) return w / C * t * std::exp(-t / tau_m);
  const double beta = tau_s * tau_m / (tau_m - tau_s);
  return w * beta / C * (std::exp(-t / tau_m) - std::exp(-t / tau_s));
}

// Largest relative deviation of V - E_L from the closed form over 50 ms after a
// 100 pA input (tau_syn for the model, reference_tau_syn for the formula).
double worst_trajectory_error(double tau_syn, double reference_tau_syn) {
  iaf_psc_exp_parameters p;
  p.tau_syn_ex_ms = tau_syn;
  p.V_th_mV = 1000.0;  // no spikes
  const time_grid grid(0.001);
  const tick_type step = 100;  // 0.1 ms
  iaf_psc_exp pop("lif", 1, p, resting(1, p), grid, step);
  // Input arriving at tick 100 makes I_syn jump at t0 = 0.1 ms (NEST semantics).
  const auto spikes = testing::drive(pop, 100, {{100, 0, 100.0f}});
  EXPECT_TRUE(spikes.empty());
  population_output out;
  const neuron_id_type id[] = {0};
  double v = 0;
  double worst = 0;
  for (int k = 1; k <= 500; ++k) {
    pop.step(100 + k * step, out);
    pop.sample(0, 100 + k * step, id, std::span<double>(&v, 1));
    const double expected = psc_response(k * 0.1, 100.0, p.tau_m_ms, reference_tau_syn, p.C_m_pF);
    worst = std::max(worst, std::abs((v - p.E_L_mV) / expected - 1.0));
  }
  return worst;
}

TEST(iaf_psc_exp, subthreshold_response_matches_the_analytic_solution) {
  EXPECT_LT(worst_trajectory_error(2.0, 2.0), 1e-9);
}

TEST(iaf_psc_exp, singular_case_tau_syn_equal_tau_m) { EXPECT_LT(worst_trajectory_error(10.0, 10.0), 1e-9); }

TEST(iaf_psc_exp, propagator_is_continuous_near_the_singular_case) {
  // tau_syn = tau_m (1 +- 1e-9) must agree with the singular closed form to ~1e-8.
  EXPECT_LT(worst_trajectory_error(10.0 * (1 + 1e-9), 10.0), 1e-7);
  EXPECT_LT(worst_trajectory_error(10.0 * (1 - 1e-9), 10.0), 1e-7);
}

TEST(iaf_psc_exp, stays_at_reset_for_exactly_the_refractory_period) {
  iaf_psc_exp_parameters p;
  p.t_ref_ms = 2.0;
  const time_grid grid(0.001);
  iaf_psc_exp pop("lif", 1, p, resting(1, p), grid, 100);
  population_output out;
  pop.set_current(0, {}, 2000.0, out);
  const auto spikes = testing::drive(pop, grid.to_ticks(50));
  ASSERT_GE(spikes.size(), 2u);
  // Drive again to the first spike, then check V over the following 2 ms.
  iaf_psc_exp again("lif", 1, p, resting(1, p), grid, 100);
  again.set_current(0, {}, 2000.0, out);
  const neuron_id_type id[] = {0};
  double v = 0;
  for (tick_type T = 100; T <= spikes[0].first; T += 100) again.step(T, out);
  for (int k = 1; k <= 20; ++k) {
    again.step(spikes[0].first + 100 * k, out);
    again.sample(0, 0, id, std::span<double>(&v, 1));
    EXPECT_EQ(v, p.V_reset_mV) << "step " << k << " of the refractory period";
  }
  again.step(spikes[0].first + 100 * 21, out);
  again.sample(0, 0, id, std::span<double>(&v, 1));
  EXPECT_GT(v, p.V_reset_mV);
}

TEST(iaf_psc_exp, inhibitory_input_uses_its_own_time_constant) {
  iaf_psc_exp_parameters p;
  p.tau_syn_in_ms = 5.0;
  const time_grid grid(0.001);
  iaf_psc_exp pop("lif", 1, p, resting(1, p), grid, 100);
  testing::drive(pop, 100, {{100, 0, -50.0f, receptor_type::inhibitory}});
  population_output out;
  const neuron_id_type id[] = {0};
  double I = 0;
  for (int k = 1; k <= 30; ++k) pop.step(100 + 100 * k, out);
  pop.sample(2, 0, id, std::span<double>(&I, 1));
  EXPECT_NEAR(I, -50.0 * std::exp(-3.0 / 5.0), 1e-12);
}

// The currents are kept referred to a base step that moves every few steps
// (iaf_psc_exp.hpp): across those moves a current still decays as w exp(-t / tau_syn)
// to rounding (closed form of dI/dt = -I / tau_syn), for a tau_syn that moves the base
// every 4 steps (0.05 ms at h = 0.1 ms) and one that moves it every 64 (5 ms), with
// inputs arriving between moves.
TEST(iaf_psc_exp, synaptic_currents_decay_exactly_across_base_moves) {
  for (const double tau_syn_ms : {0.05, 5.0}) {
    iaf_psc_exp_parameters p;
    p.tau_syn_ex_ms = tau_syn_ms;
    p.tau_syn_in_ms = 2.0 * tau_syn_ms;
    p.V_th_mV = 1e9;  // no spikes
    const time_grid grid(0.001);
    const tick_type step = 100;  // 0.1 ms
    iaf_psc_exp pop("lif", 1, p, resting(1, p), grid, step);
    population_output out;
    const neuron_id_type id[] = {0};
    // Inputs at steps 37 and 101 (neither a multiple of 4 or 64).
    const std::vector<std::pair<int, double>> inputs{{37, 80.0}, {101, -30.0}};
    double worst_ex = 0, worst_in = 0;
    for (int k = 1; k <= 400; ++k) {
      for (const auto& [at, w] : inputs)
        if (at == k) {
          const neuron_id_type target[] = {0};
          const weight_type weight[] = {static_cast<weight_type>(w)};
          pop.receive(k * step, receptor_type::excitatory, target, weight, out);
          pop.receive(k * step, receptor_type::inhibitory, target, weight, out);
        }
      pop.step(k * step, out);
      double expected_ex = 0, expected_in = 0;
      for (const auto& [at, w] : inputs)
        if (at <= k) {
          expected_ex += w * std::exp(-(k - at) * 0.1 / p.tau_syn_ex_ms);
          expected_in += w * std::exp(-(k - at) * 0.1 / p.tau_syn_in_ms);
        }
      double I_ex = 0, I_in = 0;
      pop.sample(1, k * step, id, std::span<double>(&I_ex, 1));
      pop.sample(2, k * step, id, std::span<double>(&I_in, 1));
      if (expected_ex != 0.0) worst_ex = std::max(worst_ex, std::abs(I_ex / expected_ex - 1.0));
      if (expected_in != 0.0) worst_in = std::max(worst_in, std::abs(I_in / expected_in - 1.0));
    }
    EXPECT_LT(worst_ex, 1e-12) << "tau_syn " << tau_syn_ms << " ms";
    EXPECT_LT(worst_in, 1e-12) << "tau_syn " << 2 * tau_syn_ms << " ms";
  }
}

}  // namespace
}  // namespace spikeq
