// iaf_cond_exp: exact when conductances are constant, second-order otherwise.
#include "neurons/iaf_cond_exp.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/neurons/driver.hpp"

namespace spikeq {
namespace {

const time_grid cond_exp_grid(0.001);

double v_after(iaf_cond_exp& pop, tick_type step, tick_type until) {
  population_output out;
  for (tick_type T = step; T <= until; T += step) pop.step(T, out);
  const neuron_id_type id[] = {0};
  double v = 0;
  pop.sample(0, until, id, std::span<double>(&v, 1));
  return v;
}

TEST(iaf_cond_exp, constant_conductance_relaxes_exactly) {
  // With g_ex fixed (tau_syn_ex -> infinity), C dV/dt = g_L (E_L - V) + g_ex (E_ex - V) is
  // linear with constant coefficients: V(t) = V_inf + (V0 - V_inf) exp(-t (g_L + g_ex) / C).
  iaf_cond_exp_parameters p;
  p.tau_syn_ex_ms = 1e12;
  p.V_th_mV = 1000.0;
  iaf_cond_exp pop("c", 1, p, {{-70.0}, {5.0}, {0.0}}, cond_exp_grid, 100);
  const double g = p.g_L_nS + 5.0;
  const double V_inf = (p.g_L_nS * p.E_L_mV + 5.0 * p.E_ex_mV) / g;
  const double v = v_after(pop, 100, 10000);
  EXPECT_NEAR(v, V_inf + (-70.0 - V_inf) * std::exp(-10.0 * g / p.C_m_pF), 1e-9);
}

TEST(iaf_cond_exp, error_shrinks_at_second_order_with_the_step) {
  // Decaying excitatory conductance: compare with a 1 us-step reference at t = 5 ms.
  iaf_cond_exp_parameters p;
  p.V_th_mV = 1000.0;
  auto run = [&](tick_type step) {
    iaf_cond_exp pop("c", 1, p, {{-70.0}, {30.0}, {10.0}}, cond_exp_grid, step);
    return v_after(pop, step, 5000);
  };
  const double reference = run(1);
  const double e1 = std::abs(run(200) - reference);
  const double e2 = std::abs(run(100) - reference);
  const double e3 = std::abs(run(50) - reference);
  EXPECT_GT(e1 / e2, 3.0);  // about 4 for a second-order scheme
  EXPECT_GT(e2 / e3, 3.0);
  EXPECT_LT(e3, 1e-2);  // mV, at h = 0.05 ms
}

TEST(iaf_cond_exp, conductance_jumps_by_the_weight_and_decays) {
  iaf_cond_exp_parameters p;
  iaf_cond_exp pop("c", 1, p, {{-70.0}, {0.0}, {0.0}}, cond_exp_grid, 100);
  testing::drive(pop, 100, {{100, 0, 6.0f}, {100, 0, 67.0f, receptor_type::inhibitory}});
  population_output out;
  for (int k = 1; k <= 10; ++k) pop.step(100 + 100 * k, out);
  const neuron_id_type id[] = {0};
  double ge = 0, gi = 0;
  pop.sample(1, 0, id, std::span<double>(&ge, 1));
  pop.sample(2, 0, id, std::span<double>(&gi, 1));
  EXPECT_NEAR(ge, 6.0 * std::exp(-1.0 / p.tau_syn_ex_ms), 1e-12);
  EXPECT_NEAR(gi, 67.0 * std::exp(-1.0 / p.tau_syn_in_ms), 1e-12);
}

TEST(iaf_cond_exp, injected_current_shifts_the_resting_potential) {
  // Without synaptic input, C dV/dt = g_L (E_L - V) + I: V relaxes exactly to
  // E_L + I / g_L with time constant C / g_L (no conductances, so exact).
  iaf_cond_exp_parameters p;
  p.V_th_mV = 1000.0;
  iaf_cond_exp pop("c", 2, p, {{-70.0, -70.0}, {0.0, 0.0}, {0.0, 0.0}}, cond_exp_grid, 100);
  population_output out;
  const neuron_id_type second[] = {1};
  pop.set_current(0, second, 100.0, out);
  for (tick_type T = 100; T <= 20000; T += 100) pop.step(T, out);
  const neuron_id_type ids[] = {0, 1};
  double v[2];
  pop.sample(0, 20000, ids, v);
  EXPECT_EQ(v[0], -70.0);
  const double tau = p.C_m_pF / p.g_L_nS;
  EXPECT_NEAR(v[1], -70.0 + 100.0 / p.g_L_nS * (1.0 - std::exp(-20.0 / tau)), 1e-9);
}

}  // namespace
}  // namespace spikeq
