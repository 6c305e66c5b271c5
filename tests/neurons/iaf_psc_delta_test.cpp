// The event-driven iaf_psc_delta: spike ticks predicted analytically by hand.
#include "neurons/iaf_psc_delta.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/state_archive.hpp"
#include "tests/neurons/driver.hpp"

namespace spikeq {
namespace {

// E_L = -70, V_th = -55, V_reset = -70, tau_m = 10 ms, C_m = 250 pF, t_ref = 2 ms.
iaf_psc_delta_parameters defaults() { return iaf_psc_delta_parameters{}; }
const time_grid psc_delta_grid(0.001);

TEST(iaf_psc_delta, hand_computed_input_sequence_gives_the_predicted_spike_ticks) {
  iaf_psc_delta pop("d", 1, defaults(), {{-70.0}}, psc_delta_grid);
  // 1.000 ms: +10 mV -> V = -60.
  // 3.000 ms: V = -70 + 10 e^{-0.2} = -61.8127; +8 -> -53.81 >= -55: spike at tick 3000,
  //           refractory until 5.000 ms.
  // 4.000 ms: +20 mV arrives while refractory: discarded (NEST iaf_psc_delta).
  // 5.000 ms: +14 mV -> V = -56 (no spike).
  // 5.500 ms: two inputs at the same tick, +0.5 and +0.7:
  //           V = -70 + 14 e^{-0.05} + 1.2 = -55.48: no spike;
  // 5.600 ms: +0.7 -> -70 + 14.517 e^{-0.01} + 0.7 = -54.93 >= -55: spike at tick 5600.
  const auto spikes = testing::drive(pop, 10000,
                                     {{1000, 0, 10.0f},
                                      {3000, 0, 8.0f},
                                      {4000, 0, 20.0f},
                                      {5000, 0, 14.0f},
                                      {5500, 0, 0.5f},
                                      {5500, 0, 0.7f},
                                      {5600, 0, 0.7f}});
  const double V_5600 = -70.0 + (14.0 * std::exp(-0.05) + 1.2) * std::exp(-0.01) + 0.7;
  ASSERT_GE(V_5600, -55.0);  // the hand computation above
  ASSERT_EQ(spikes.size(), 2u);
  EXPECT_EQ(spikes[0].first, 3000);
  EXPECT_EQ(spikes[1].first, 5600);
}

TEST(iaf_psc_delta, inputs_at_one_tick_add_up_before_the_threshold_test_in_any_order) {
  // NEST adds a step's inputs before testing the threshold. From V = -70: +20 then -10
  // at one tick gives -60 (no spike), whichever arrives first; +20 alone fires.
  for (const bool excitation_first : {true, false}) {
    iaf_psc_delta pop("d", 1, defaults(), {{-70.0}}, psc_delta_grid);
    std::vector<testing::timed_input> in{{2000, 0, 20.0f}, {2000, 0, -10.0f, receptor_type::inhibitory}};
    if (!excitation_first) std::swap(in[0], in[1]);
    EXPECT_TRUE(testing::drive(pop, 5000, in).empty())
        << (excitation_first ? "excitation first" : "inhibition first");
  }
  iaf_psc_delta pop("d", 1, defaults(), {{-70.0}}, psc_delta_grid);
  const auto spikes = testing::drive(pop, 5000, {{2000, 0, 20.0f}});
  ASSERT_EQ(spikes.size(), 1u);
  EXPECT_EQ(spikes[0].first, 2000);
}

TEST(iaf_psc_delta, constant_current_crossings_fall_on_the_first_tick_above_threshold) {
  // I_e = 2000 pA: V_inf = E_L + tau_m I_e / C_m = +10 mV. From -70 mV the threshold
  // -55 mV is reached after s* = tau_m ln(80 / 65) = 2.07639 ms; the spike is on the
  // first tick at or after it, then the neuron restarts from V_reset after t_ref = 2 ms.
  auto p = defaults();
  p.I_e_pA = 2000.0;
  iaf_psc_delta pop("d", 1, p, {{-70.0}}, psc_delta_grid);
  const auto spikes = testing::drive(pop, 20000);
  const double s_ms = 10.0 * std::log(80.0 / 65.0);
  const tick_type first = static_cast<tick_type>(std::ceil(s_ms / 0.001));
  const tick_type period = 2000 + first;
  ASSERT_GE(spikes.size(), 5u);
  for (std::size_t k = 0; k < spikes.size(); ++k)
    EXPECT_EQ(spikes[k].first, first + static_cast<tick_type>(k) * period);
  // On the spike tick V has crossed; one tick earlier it had not.
  iaf_psc_delta probe("d", 1, p, {{-70.0}}, psc_delta_grid);
  EXPECT_LT(probe.membrane_potential(0, first - 1), p.V_th_mV);
  EXPECT_GE(probe.membrane_potential(0, first), p.V_th_mV);
}

TEST(iaf_psc_delta, input_cancels_a_predicted_crossing) {
  // With I_e driving towards +10 mV the neuron would fire at tick 2077; an
  // inhibitory input of -10 mV at 1 ms delays the crossing, which is re-predicted.
  auto p = defaults();
  p.I_e_pA = 2000.0;
  iaf_psc_delta pop("d", 1, p, {{-70.0}}, psc_delta_grid);
  const auto spikes = testing::drive(pop, 5000, {{1000, 0, -10.0f, receptor_type::inhibitory}});
  ASSERT_EQ(spikes.size(), 1u);
  // V(1 ms) = 10 - 80 e^{-0.1} = -62.387; -10 -> -72.387; then V(s) = 10 - 82.387 e^{-s/10}
  // reaches -55 at s = 10 ln(82.387 / 65).
  const double v1 = 10.0 - 80.0 * std::exp(-0.1) - 10.0;
  const double s = 10.0 * std::log((10.0 - v1) / 65.0);
  EXPECT_EQ(spikes[0].first, 1000 + static_cast<tick_type>(std::ceil(s / 0.001)));
}

TEST(iaf_psc_delta, sampling_does_not_change_the_state) {
  iaf_psc_delta pop("d", 1, defaults(), {{-60.0}}, psc_delta_grid);
  const neuron_id_type id[] = {0};
  double a = 0, b = 0;
  pop.sample(0, 1234, id, std::span<double>(&a, 1));
  pop.sample(0, 1234, id, std::span<double>(&b, 1));
  EXPECT_EQ(a, b);
  EXPECT_NEAR(a, -70.0 + 10.0 * std::exp(-0.1234), 1e-12);
}

TEST(iaf_psc_delta, state_saved_while_refractory_resumes_the_same_neuron) {
  // Fires at 1.000 ms (t_ref 2 ms: refractory until 3.000 ms); saved at 1.500 ms,
  // loaded into a fresh population, both must then agree tick for tick.
  auto p = defaults();
  p.I_e_pA = 500.0;  // V_inf = -50 mV, above threshold: a crossing is always predicted
  iaf_psc_delta original("d", 2, p, {{-70.0, -65.0}}, psc_delta_grid);
  population_output out;
  original.start(out);
  const neuron_id_type first[] = {0};
  const weight_type kick[] = {30.0f};
  out.clear();
  original.receive(1000, receptor_type::excitatory, first, kick, out);
  ASSERT_EQ(out.wakeups.size(), 1u);
  const auto wake = out.wakeups[0];
  out.clear();
  original.wakeup(1000, 0, wake.version, out);
  ASSERT_EQ(out.spikes.size(), 1u);
  out.clear();
  original.receive(1500, receptor_type::excitatory, first, kick, out);  // discarded: refractory
  state_archive saved;
  original.state(saved);
  state_archive loading(saved.bytes(), "test");
  iaf_psc_delta resumed("d", 2, p, {{0.0, 0.0}}, psc_delta_grid);
  resumed.state(loading);
  EXPECT_TRUE(loading.at_end());
  for (const tick_type t : {1500, 2999, 3000, 3001, 4500})
    for (const neuron_id_type n : {0u, 1u})
      EXPECT_EQ(resumed.membrane_potential(n, t), original.membrane_potential(n, t)) << t << " " << n;
  EXPECT_EQ(resumed.membrane_potential(0, 2999), p.V_reset_mV);
  // Input at 2.999 ms is still discarded in both; at 3.000 ms it counts.
  for (iaf_psc_delta* pop : {&original, &resumed}) {
    const weight_type small[] = {1.0f};
    out.clear();
    pop->receive(2999, receptor_type::excitatory, first, small, out);
    EXPECT_EQ(pop->membrane_potential(0, 2999), p.V_reset_mV);
    out.clear();
    pop->receive(3000, receptor_type::excitatory, first, small, out);
    EXPECT_EQ(pop->membrane_potential(0, 3000), p.V_reset_mV + 1.0);
  }
  state_archive again_original, again_resumed;
  original.state(again_original);
  resumed.state(again_resumed);
  EXPECT_EQ(again_original.bytes(), again_resumed.bytes());
}

TEST(iaf_psc_delta, refuses_a_refractory_period_beyond_the_tick_counter) {
  auto p = defaults();
  p.t_ref_ms = 5e6;  // 5e9 ticks of 1 us: more than 2^32
  EXPECT_THROW(iaf_psc_delta("d", 1, p, {{-70.0}}, psc_delta_grid), std::invalid_argument);
}

}  // namespace
}  // namespace spikeq
