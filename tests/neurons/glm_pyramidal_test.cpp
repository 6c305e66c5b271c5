// glm_pyramidal: the dendritic microcircuit's two-compartment neuron (rules.md §3.6,
// the SAL paper code's model.py Layer / OutputLayer). Expected values follow the
// paper code's update_pyr_mempot and OutputLayer.update_mempot by hand.
#include "neurons/glm_pyramidal.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/neurons/driver.hpp"

namespace spikeq {
namespace {

// Silent neurons: the bias keeps the hazard ~0 so no refractoriness interferes.
glm_pyramidal make(const glm_pyramidal_parameters& p, double bias = -60.0) {
  return glm_pyramidal("pyr", 1, p, {bias}, /*step_ticks=*/1, /*seed=*/7, /*stream_object=*/0);
}

double sample(const glm_pyramidal& pop, std::size_t variable, tick_type now) {
  const neuron_id_type n[] = {0};
  double v[1];
  pop.sample(variable, now, n, v);
  return v[0];
}

constexpr std::size_t u_var = 1, vb_var = 2, vapi_var = 3, u_avg_var = 4, vb_avg_var = 5;

TEST(glm_pyramidal, potential_is_bias_plus_basal_plus_coupled_apical_input) {
  glm_pyramidal_parameters p;
  p.tau_syn_steps = 10;
  p.apical_coupling = 0.5;
  p.interneuron_coupling = 1.0;
  auto pop = make(p);
  // u = b + v_bas + lambda_api (v_api + kappa v_inn) = -60 + 1.5 + 0.5 (2 - 1.25)
  testing::drive(pop, 3,
                 {{1, 0, 1.5F, receptor_type::basal},
                  {1, 0, 2.0F, receptor_type::apical},
                  {1, 0, -1.25F, receptor_type::apical_interneuron}});
  EXPECT_DOUBLE_EQ(sample(pop, u_var, 3), -60.0 + 1.5 + 0.5 * (2.0 - 1.25));
  EXPECT_DOUBLE_EQ(sample(pop, vb_var, 3), -60.0 + 1.5);
  EXPECT_DOUBLE_EQ(sample(pop, vapi_var, 3), 2.0);
}

TEST(glm_pyramidal, rectangular_psp_lasts_tau_syn_steps) {
  glm_pyramidal_parameters p;
  p.tau_syn_steps = 4;
  auto pop = make(p);
  testing::drive(pop, 4, {{1, 0, 1.0F, receptor_type::basal}});
  EXPECT_DOUBLE_EQ(sample(pop, vb_var, 4), -59.0);  // steps 1..4 carry the PSP
  auto later = make(p);
  testing::drive(later, 5, {{1, 0, 1.0F, receptor_type::basal}});
  EXPECT_DOUBLE_EQ(sample(later, vb_var, 5), -60.0);
}

TEST(glm_pyramidal, phase_schedule_overrides_the_apical_coupling_only_while_it_is_set) {
  glm_pyramidal_parameters p;
  p.apical_coupling = 0.02;
  p.interneuron_coupling = 1.0;
  step_series coupling, kappa;
  coupling.set(3, 1.0);  // the symmetrization phase: ticks 3 and 4
  coupling.set(5, std::nan(""));
  kappa.set(3, 0.0);
  kappa.set(5, std::nan(""));
  for (const tick_type t : {2, 4, 6}) {
    auto pop = make(p);
    pop.set_schedule(glm_pyramidal::setting::apical_coupling, &coupling);
    pop.set_schedule(glm_pyramidal::setting::interneuron_coupling, &kappa);
    testing::drive(pop, t,
                   {{1, 0, 2.0F, receptor_type::apical}, {1, 0, -1.0F, receptor_type::apical_interneuron}});
    const bool inside = t == 4;
    EXPECT_DOUBLE_EQ(sample(pop, u_var, t), inside ? -60.0 + 2.0 : -60.0 + 0.02 * (2.0 - 1.0))
        << "tick " << t;
  }
}

TEST(glm_pyramidal, nudging_pulls_towards_the_target_from_the_averaged_basal_prediction) {
  glm_pyramidal_parameters p;
  p.nudging = 0.6;
  p.average_steps = 4;
  p.tau_syn_steps = 100;
  step_series target;
  target.set(0, 2.0);
  auto pop = make(p);
  pop.set_target(0, &target);
  // Basal input 1.5 from step 1 on: v_bas = 1.5 in steps 1..; the average used in
  // step n is over the steps before it (OutputLayer: v_bas_av.val before move).
  testing::drive(pop, 6, {{1, 0, 1.5F, receptor_type::basal}});
  const double vb_avg_before_step_6 = 1.5;  // steps 2..5
  EXPECT_DOUBLE_EQ(sample(pop, u_var, 6), -60.0 + 1.5 + 0.6 * (2.0 - vb_avg_before_step_6 + 60.0));
  // After step 6 the window (steps 3..6) holds v_bas = 1.5 everywhere.
  EXPECT_DOUBLE_EQ(sample(pop, vb_avg_var, 6), -60.0 + 1.5);
  EXPECT_DOUBLE_EQ(sample(pop, u_avg_var, 6), -60.0 + 1.5 + 0.6 * (2.0 - 1.5 + 60.0));
}

TEST(glm_pyramidal, dendritic_error_is_the_hazard_of_the_soma_minus_that_of_the_basal_prediction) {
  glm_pyramidal_parameters p;
  p.tau_ref_steps = 10;
  p.apical_coupling = 0.5;
  p.average_steps = 2;
  p.tau_syn_steps = 100;
  auto pop = make(p, -1.0);
  testing::drive(pop, 5, {{1, 0, 1.0F, receptor_type::apical}});
  // <u> = -1 + 0.5, <v_bas> + b = -1; sigma(x) = 1 / (1 + exp(-(x - ln 10))).
  const auto sigma = [](double x) { return 1.0 / (1.0 + std::exp(-(x - std::log(10.0)))); };
  EXPECT_NEAR(pop.dendritic_error(0), sigma(-0.5) - sigma(-1.0), 1e-15);
}

}  // namespace
}  // namespace spikeq
