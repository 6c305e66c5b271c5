// Three-factor STDP (plasticity/modulated_stdp.hpp) and the neuromodulator channel
// it reads (core/neuromodulation.hpp).
//   - T-3F-2 (rules.md §5.3): one synapse, a pre/post pair with dt = +10 ms at
//     1500 ms and one dopamine release at 1600 ms; the weight trajectory of NEST's
//     closed form against a 1 us RK4 integration of the defining ODEs
//     dc/dt = -c/tau_c, dn/dt = -n/tau_n, dw/dt = c (n - b), to 1e-9.
//   - Lazy exactness: the same final weights whether a synapse is touched every
//     millisecond or only at its own spikes and at the end.
#include "plasticity/modulated_stdp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/neuromodulation.hpp"

namespace spikeq::plasticity {
namespace {

constexpr double ms_per_tick = 0.001;  // 1 tick = 1 us
tick_type ms(double t) { return static_cast<tick_type>(std::llround(t / ms_per_tick)); }

struct rk4_state {
  double c, n, w;
};

// dc/dt = -c/tau_c, dn/dt = -n/tau_n, dw/dt = gain * c * (tonic + n - b).
rk4_state derivative(const rk4_state& s, const modulated_stdp_parameters& p, double tau_n, double tonic) {
  return {-s.c / p.tau_c_ms, -s.n / tau_n, p.gain_per_ms * s.c * (tonic + s.n - p.baseline)};
}

void rk4_step(rk4_state& s, double h, const modulated_stdp_parameters& p, double tau_n, double tonic) {
  const auto add = [](const rk4_state& a, const rk4_state& k, double f) {
    return rk4_state{a.c + f * k.c, a.n + f * k.n, a.w + f * k.w};
  };
  const rk4_state k1 = derivative(s, p, tau_n, tonic);
  const rk4_state k2 = derivative(add(s, k1, h / 2), p, tau_n, tonic);
  const rk4_state k3 = derivative(add(s, k2, h / 2), p, tau_n, tonic);
  const rk4_state k4 = derivative(add(s, k3, h), p, tau_n, tonic);
  s.c += h / 6 * (k1.c + 2 * k2.c + 2 * k3.c + k4.c);
  s.n += h / 6 * (k1.n + 2 * k2.n + 2 * k3.n + k4.n);
  s.w += h / 6 * (k1.w + 2 * k2.w + 2 * k3.w + k4.w);
}

struct closed_form_case {
  double baseline;
  double tonic;
};

class closed_form : public ::testing::TestWithParam<closed_form_case> {};

TEST_P(closed_form, matches_rk4_of_the_defining_equations) {
  const auto [baseline, tonic] = GetParam();
  modulated_stdp_parameters p = nest_dopamine_stdp();  // A+ 1, A- 1.5, tau 20, tau_c 1000
  p.baseline = baseline;
  p.bounds = {-1e9, 1e9};
  const double tau_n = 200.0, release = 1.0 / tau_n;  // NEST: n += 1/tau_n per dopamine spike
  modulator_channel channel("dopamine", tau_n / ms_per_tick, tonic);
  channel.commit(ms(1600), release);
  std::vector<weight_type> table{10.0f};
  modulated_stdp_rule rule(p, ms_per_tick, table, channel, {});
  const std::uint64_t s = 0;
  rule.on_pre_arrival(ms(1500), 0, 1);
  rule.on_post_arrival(ms(1510), 0, {&s, 1});

  // Reference: from the post spike on, c starts at A+ exp(-10/20); before it c = 0
  // (the pre arrival found no postsynaptic trace), so w is 10 until 1510 ms.
  rk4_state ref{p.A_plus * std::exp(-10.0 / p.tau_plus_ms), 0.0, 10.0};
  const double h = 0.001;
  double t = 1510.0;
  for (const double sample : {1550.0, 1600.0, 1601.0, 1700.0, 2000.0, 3000.0, 5000.0}) {
    const auto steps = static_cast<long>(std::llround((sample - t) / h));
    for (long k = 0; k < steps; ++k) {
      rk4_step(ref, h, p, tau_n, tonic);
      t += h;
      if (std::abs(t - 1600.0) < h / 2) ref.n += release;
    }
    t = sample;
    EXPECT_NEAR(rule.weight_at(s, ms(sample)), ref.w, 1e-9) << "t = " << sample << " ms";
  }
  EXPECT_GT(std::abs(ref.w - 10.0), 0.05) << "the test must exercise a real weight change";
}

INSTANTIATE_TEST_SUITE_P(t_3f_2, closed_form,
                         ::testing::Values(closed_form_case{0.0, 0.0}, closed_form_case{0.002, 0.0},
                                           closed_form_case{0.0, 0.004}));

// Random pre/post trains on 4 synapses (2 targets) and random releases: touching
// every synapse every millisecond must not change the result.
TEST(modulated_stdp, weights_do_not_depend_on_how_often_synapses_are_touched) {
  for (const bool nearest : {false, true}) {
    modulated_stdp_parameters p = nest_dopamine_stdp();
    p.traces = nearest ? trace_update::set_to_one : trace_update::add_one;
    p.baseline = 0.001;
    p.bounds = {-1e6, 1e6};
    modulator_channel channel("da", 200.0 / ms_per_tick, 0.002);
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (double t = 5.0; t < 2000.0; t += 1.0)
      if (u(rng) < 0.01) channel.commit(ms(t), 0.005 * (1 + u(rng)));
    struct spike {
      tick_type t;
      bool pre;
      std::uint64_t unit;  // pre: synapse; post: target
    };
    std::vector<spike> spikes;
    for (double t = 1.0; t < 2000.0; t += 1.0) {
      for (std::uint64_t s = 0; s < 4; ++s)
        if (u(rng) < 0.02) spikes.push_back({ms(t) + 100, true, s});
      for (std::uint64_t n = 0; n < 2; ++n)
        if (u(rng) < 0.02) spikes.push_back({ms(t) + 400, false, n});
    }
    std::stable_sort(spikes.begin(), spikes.end(), [](const spike& a, const spike& b) { return a.t < b.t; });
    const std::vector<neuron_id_type> targets{0, 0, 1, 1};
    const std::vector<std::uint64_t> of_target[2] = {{0, 1}, {2, 3}};
    std::vector<weight_type> table_lazy(4, 1.0f), table_eager(4, 1.0f);
    modulated_stdp_rule lazy(p, ms_per_tick, table_lazy, channel, {}, shared_post_side{targets, 2});
    modulated_stdp_rule eager(p, ms_per_tick, table_eager, channel, {}, shared_post_side{targets, 2});
    const std::vector<std::uint64_t> all{0, 1, 2, 3};
    tick_type next_touch = ms(1);
    for (const spike& e : spikes) {
      for (; next_touch < e.t; next_touch += ms(1)) eager.advance_to(next_touch, all);
      for (auto* rule : {&lazy, &eager}) {
        if (e.pre)
          rule->on_pre_arrival(e.t, e.unit, e.unit + 1);
        else
          rule->on_post_arrival(e.t, static_cast<neuron_id_type>(e.unit), of_target[e.unit]);
      }
    }
    for (; next_touch < ms(2500); next_touch += ms(1)) eager.advance_to(next_touch, all);
    lazy.complete(ms(2500));
    eager.complete(ms(2500));
    double moved = 0.0;
    for (std::uint64_t s = 0; s < 4; ++s) {
      EXPECT_NEAR(lazy.weight(s), eager.weight(s), 1e-12 * std::max(1.0, std::abs(lazy.weight(s))))
          << "synapse " << s << (nearest ? " (nearest)" : " (all-to-all)");
      moved += std::abs(lazy.weight(s) - 1.0);
    }
    EXPECT_GT(moved, 1e-3) << "the weights must change for the comparison to mean anything";
  }
}

// The PyNN/SpiNNaker cross-check of rules.md §5.3 (LucaZanatta/PyNN7Examples,
// examples/stdp_neuromodulation_test.py): pre spikes at 1500 and 2400 ms, the post
// spike seen by the synapse at 1504 ms (stimulated at 1502, fired at 1503, 1 ms
// dendritic delay), dopamine 0.1 at 1601 ms, A+ = A- = 1, tau+ 10 ms, tau- 12 ms,
// tau_c 1000 ms, tau_d 200 ms, weight from 0, read at 3000 ms. In continuous time
// the change is A+ e^{-4/10} e^{-97/1000} * 0.1 * tau_s (1 - e^{-1399/tau_s}),
// 1/tau_s = 1/1000 + 1/200: 10.1369. The script quotes 10.3056 "from the 2007
// equations" and 10.0088 from SpiNNaker (s5.11 fixed point); ours lies between, 1.6 %
// below and 1.3 % above (docs/models/three_factor.md).
TEST(modulated_stdp, pynn_spinnaker_cross_check) {
  modulated_stdp_parameters p = nest_dopamine_stdp();
  p.A_plus = 1.0;
  p.A_minus = 1.0;
  p.tau_plus_ms = 10.0;
  p.tau_minus_ms = 12.0;
  p.tau_c_ms = 1000.0;
  p.bounds = {0.0, 20.0};
  modulator_channel channel("da", 200.0 / ms_per_tick, 0.0);
  channel.commit(ms(1601), 0.1);
  std::vector<weight_type> table{0.0f};
  modulated_stdp_rule rule(p, ms_per_tick, table, channel, {});
  const std::uint64_t s = 0;
  rule.on_pre_arrival(ms(1500), 0, 1);
  rule.on_post_arrival(ms(1504), 0, {&s, 1});
  rule.on_pre_arrival(ms(2400), 0, 1);
  const double tau_s = 1.0 / (1.0 / 1000.0 + 1.0 / 200.0);
  const double c_at_dopamine = std::exp(-4.0 / 10.0) * std::exp(-97.0 / 1000.0);
  // The pre spike at 2400 ms takes A- e^{-896/12} (1e-33) off c: negligible.
  const double expected = c_at_dopamine * 0.1 * tau_s * (1.0 - std::exp(-1399.0 / tau_s));
  EXPECT_NEAR(rule.weight_at(0, ms(3000)), expected, 1e-9);
  EXPECT_NEAR(expected, 10.1369, 1e-4);
  EXPECT_NEAR(expected / 10.305624, 0.9836, 1e-3);
  EXPECT_NEAR(expected / 10.0087890625, 1.0128, 1e-3);
}

TEST(modulated_stdp, equal_time_pairs_leave_no_eligibility) {
  modulated_stdp_parameters p = nest_dopamine_stdp();
  modulator_channel channel("da", 200.0 / ms_per_tick, 0.0);
  std::vector<weight_type> table{1.0f};
  modulated_stdp_rule rule(p, ms_per_tick, table, channel, {});
  const std::uint64_t s = 0;
  rule.on_pre_arrival(ms(100), 0, 1);
  rule.on_post_arrival(ms(100), 0, {&s, 1});
  EXPECT_EQ(rule.eligibility(0), 0.0);
}

TEST(modulated_stdp, dendritic_delay_shifts_the_modulator_into_the_synapse_frame) {
  // With d_den = 5 ms the synapse's clock runs 5 ms behind model time: a release
  // at 1000 ms is seen at its time 1005 ms.
  modulated_stdp_parameters p = nest_dopamine_stdp();
  p.bounds = {-1e9, 1e9};
  modulator_channel channel("da", 200.0 / ms_per_tick, 0.0);
  channel.commit(ms(1000), 1.0);
  std::vector<weight_type> shifted_table{0.0f}, plain_table{0.0f};
  modulated_stdp_rule shifted(p, ms_per_tick, shifted_table, channel, {ms(5)});
  modulated_stdp_rule plain(p, ms_per_tick, plain_table, channel, {});
  const std::uint64_t s = 0;
  // The same pair 5 ms earlier on a synapse without dendritic delay.
  shifted.on_pre_arrival(ms(990), 0, 1);
  shifted.on_post_arrival(ms(995), 0, {&s, 1});
  plain.on_pre_arrival(ms(985), 0, 1);
  plain.on_post_arrival(ms(990), 0, {&s, 1});
  EXPECT_EQ(shifted.weight_at(0, ms(1004)), 0.0);
  EXPECT_GT(shifted.weight_at(0, ms(1006)), 0.0);
  EXPECT_NEAR(shifted.weight_at(0, ms(1300)), plain.weight_at(0, ms(1295)), 1e-12);
}

TEST(modulated_stdp, izhikevich_preset_converts_his_per_step_constants) {
  const auto p = izhikevich_2007_dopamine_stdp();
  EXPECT_NEAR(std::exp(-1.0 / p.tau_plus_ms), 0.95, 1e-15);  // trace *= 0.95 per ms
  EXPECT_NEAR(std::exp(-10.0 / p.tau_c_ms), 0.99, 1e-15);    // sd *= 0.99 per 10 ms
  EXPECT_NEAR(p.gain_per_ms * 10.0, 1.0, 1e-15);             // w += (DA) * sd per 10 ms
  EXPECT_DOUBLE_EQ(p.A_minus / p.A_plus, 1.5);
  EXPECT_EQ(p.bounds.w_max, 4.0);
}

TEST(modulator_channel, level_is_tonic_plus_decaying_releases) {
  modulator_channel ch("da", 100.0, 0.5);
  ch.commit(10, 1.0);
  ch.commit(10, 0.5);  // same tick: summed
  ch.commit(110, 2.0);
  EXPECT_EQ(ch.release_ticks().size(), 2u);
  EXPECT_DOUBLE_EQ(ch.level(5), 0.5);
  EXPECT_DOUBLE_EQ(ch.level(10), 2.0);
  EXPECT_NEAR(ch.level(210), 0.5 + 1.5 * std::exp(-2.0) + 2.0 * std::exp(-1.0), 1e-15);
  EXPECT_THROW(ch.commit(50, 1.0), std::logic_error);
}

TEST(reward_contingency, rewards_post_spikes_within_the_window_after_a_pre_spike) {
  reward_contingency::parameters p;
  p.channel = 0;
  p.pre_population = 0;
  p.pre_neuron = 3;
  p.post_population = 1;
  p.post_neuron = 7;
  p.window = 20;
  p.delay_min = 1000;
  p.delay_max = 3000;
  p.amount = 0.5;
  p.seed = 42;
  reward_contingency rc(p);
  std::vector<emitted_spike> spikes{
      {5, 1, 7},   // post before any pre: nothing
      {10, 0, 3},  // pre
      {10, 1, 7},  // same tick as the pre: nothing
      {29, 1, 7},  // 19 after: reward
      {30, 1, 7},  // 20 after: outside the window
      {40, 0, 2},  // another neuron
      {45, 1, 6},  // another neuron
  };
  std::vector<modulator_release> out;
  rc.observe(spikes, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_GE(out[0].tick, 29 + 1000);
  EXPECT_LE(out[0].tick, 29 + 3000);
  EXPECT_EQ(out[0].amount, 0.5);
  // The delay comes from the contingency's own stream: the same for a new object.
  reward_contingency again(p);
  std::vector<modulator_release> out2;
  again.observe(spikes, out2);
  EXPECT_EQ(out2[0].tick, out[0].tick);
}

}  // namespace
}  // namespace spikeq::plasticity
