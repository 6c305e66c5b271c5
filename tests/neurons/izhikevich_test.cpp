// Izhikevich (2003) presets reproduce the firing patterns of the paper's Fig. 2
// (IEEE TNN 14:1569): regular spiking with adaptation, intrinsic bursting, chattering,
// fast spiking, low-threshold spiking, thalamo-cortical rebound, resonator ringing.
#include "neurons/izhikevich.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>

#include "tests/neurons/driver.hpp"

namespace spikeq {
namespace {

const time_grid izhikevich_grid(0.001);

izhikevich make(const char* preset, izhikevich_scheme scheme, tick_type step, double v0 = -65.0) {
  izhikevich_parameters p;
  EXPECT_TRUE(apply_izhikevich_preset(preset, p));
  p.scheme = scheme;
  return izhikevich("izh", 1, p, {{v0}, {p.b * v0}}, izhikevich_grid, step);
}

// Inter-spike intervals (ms) of a neuron driven by a constant I = 10 for 500 ms,
// with Izhikevich's scheme at a 0.1 ms step (half-steps of 0.05 ms).
std::vector<double> isis(const char* preset, double I = 10.0) {
  auto pop = make(preset, izhikevich_scheme::izhikevich_2003, 100);
  population_output out;
  pop.set_current(0, {}, I, out);
  const auto t = testing::times_of(testing::drive(pop, izhikevich_grid.to_ticks(500)), 0, 0.001);
  std::vector<double> d;
  for (std::size_t k = 1; k < t.size(); ++k) d.push_back(t[k] - t[k - 1]);
  return d;
}

double mean(const std::vector<double>& x, std::size_t from, std::size_t to) {
  return std::accumulate(x.begin() + static_cast<std::ptrdiff_t>(from),
                         x.begin() + static_cast<std::ptrdiff_t>(to), 0.0) /
         static_cast<double>(to - from);
}

TEST(izhikevich, presets_have_the_published_parameters) {
  izhikevich_parameters p;
  ASSERT_TRUE(apply_izhikevich_preset("ch", p));  // case-insensitive
  EXPECT_EQ(p.a, 0.02);
  EXPECT_EQ(p.b, 0.2);
  EXPECT_EQ(p.c_mV, -50.0);
  EXPECT_EQ(p.d, 2.0);
  EXPECT_FALSE(apply_izhikevich_preset("XY", p));
}

TEST(izhikevich, regular_spiking_adapts) {
  const auto d = isis("RS");
  ASSERT_GE(d.size(), 6u);
  EXPECT_LT(d.front(), 0.7 * d.back());  // first ISI clearly shorter: adaptation
  EXPECT_GT(d.front(), 10.0);            // no burst
}

TEST(izhikevich, intrinsically_bursting_starts_with_a_burst_then_fires_tonically) {
  const auto d = isis("IB");
  ASSERT_GE(d.size(), 6u);
  EXPECT_LT(d[0], 8.0);  // burst at onset
  EXPECT_LT(d[1], 8.0);
  for (std::size_t k = 3; k < d.size(); ++k) EXPECT_GT(d[k], 20.0) << k;  // then tonic, single spikes
}

TEST(izhikevich, chattering_fires_repetitive_bursts) {
  const auto d = isis("CH");
  const auto short_isis = std::count_if(d.begin(), d.end(), [](double x) { return x < 10.0; });
  const auto long_isis = std::count_if(d.begin(), d.end(), [](double x) { return x > 30.0; });
  EXPECT_GE(long_isis, 4);               // repeated inter-burst gaps
  EXPECT_GE(short_isis, 3 * long_isis);  // several spikes per burst
}

TEST(izhikevich, fast_spiking_fires_fast_without_adaptation) {
  const auto fs = isis("FS");
  const auto rs = isis("RS");
  ASSERT_GE(fs.size(), 20u);
  EXPECT_GT(fs.size(), 3 * rs.size());  // far higher rate than RS
  const double late = mean(fs, fs.size() - 10, fs.size());
  for (std::size_t k = fs.size() - 10; k < fs.size(); ++k) EXPECT_NEAR(fs[k], late, 0.05 * late);
  // Little adaptation compared with low-threshold spiking, the adapting fast cell.
  const auto lts = isis("LTS");
  EXPECT_LT(late / fs.front(), 0.5 * (lts.back() / lts.front()));
}

TEST(izhikevich, low_threshold_spiking_fires_fast_with_adaptation) {
  const auto d = isis("LTS");
  const auto rs = isis("RS");
  ASSERT_GE(d.size(), 10u);
  EXPECT_GT(d.size(), 2 * rs.size());
  EXPECT_LT(d.front(), 0.5 * d.back());
}

TEST(izhikevich, thalamo_cortical_fires_a_rebound_burst_after_hyperpolarisation) {
  // Hyperpolarising current for 200 ms, then release: TC fires a rebound burst, RS does not.
  auto rebound = [](const char* preset) {
    auto pop = make(preset, izhikevich_scheme::izhikevich_2003, 100);
    population_output out;
    pop.set_current(0, {}, -10.0, out);
    std::vector<double> t;
    for (tick_type T = 100; T <= izhikevich_grid.to_ticks(400); T += 100) {
      if (T == izhikevich_grid.to_ticks(200)) pop.set_current(T, {}, 0.0, out);
      out.clear();
      pop.step(T, out);
      if (!out.spikes.empty()) t.push_back(izhikevich_grid.to_ms(T));
    }
    return t;
  };
  const auto tc = rebound("TC");
  ASSERT_GE(tc.size(), 2u);
  EXPECT_LT(tc.front(), 230.0);    // right after release
  EXPECT_LT(tc[1] - tc[0], 10.0);  // a burst
  EXPECT_TRUE(rebound("RS").empty());
}

TEST(izhikevich, resonator_rings_after_a_small_pulse) {
  // After a subthreshold pulse the resonator's v oscillates around rest (damped
  // subthreshold oscillation); RS relaxes without ringing.
  auto crossings = [](const char* preset) {
    // Start at the stable rest point: 0.04 v^2 + (5 - b) v + 140 = 0, lower root.
    izhikevich_parameters p;
    apply_izhikevich_preset(preset, p);
    const double rest0 =
        (-(5.0 - p.b) - std::sqrt((5.0 - p.b) * (5.0 - p.b) - 4 * 0.04 * 140.0)) / (2 * 0.04);
    auto pop = make(preset, izhikevich_scheme::rk4, 100, rest0);
    population_output out;
    const neuron_id_type id[] = {0};
    const weight_type w[] = {0.3f};
    std::vector<double> v;
    for (tick_type T = 100; T <= izhikevich_grid.to_ticks(600); T += 100) {
      if (T == izhikevich_grid.to_ticks(300)) pop.receive(T, receptor_type::excitatory, id, w, out);
      out.clear();
      pop.step(T, out);
      EXPECT_TRUE(out.spikes.empty());
      double x = 0;
      pop.sample(0, T, id, std::span<double>(&x, 1));
      v.push_back(x);
    }
    const double rest = v[2990];
    int count = 0;
    int sign = 0;
    for (std::size_t k = 3000; k < v.size(); ++k) {
      const double dv = v[k] - rest;
      if (std::abs(dv) < 1e-3) continue;
      const int s = dv > 0 ? 1 : -1;
      if (sign != 0 && s != sign) ++count;
      sign = s;
    }
    return count;
  };
  EXPECT_GE(crossings("RZ"), 3);
  EXPECT_LE(crossings("RS"), 1);
}

TEST(izhikevich, rk4_spike_times_converge_as_the_step_shrinks) {
  // Spike times of RS at I = 10 over 300 ms with RK4 at h = 0.1, 0.05, 0.025, 0.0125 ms,
  // against h = 0.001 ms (on a 0.1 us izhikevich_grid): the worst spike-time error never grows
  // and falls well below its value at the coarsest step.
  const time_grid fine(0.0001);
  std::vector<std::vector<double>> times;
  for (tick_type step : {1000, 500, 250, 125, 10}) {
    izhikevich_parameters p;
    apply_izhikevich_preset("RS", p);
    p.scheme = izhikevich_scheme::rk4;
    izhikevich pop("izh", 1, p, {{-65.0}, {p.b * -65.0}}, fine, step);
    population_output out;
    pop.set_current(0, {}, 10.0, out);
    times.push_back(testing::times_of(testing::drive(pop, fine.to_ticks(300)), 0, 0.0001));
  }
  std::vector<double> errors;
  for (std::size_t k = 0; k + 1 < times.size(); ++k) {
    ASSERT_EQ(times[k].size(), times.back().size());
    double worst = 0;
    for (std::size_t i = 0; i < times[k].size(); ++i)
      worst = std::max(worst, std::abs(times[k][i] - times.back()[i]));
    errors.push_back(worst);
  }
  for (std::size_t k = 1; k < errors.size(); ++k) EXPECT_LE(errors[k], errors[k - 1] + 1e-9);
  EXPECT_LT(errors.back(), 0.25 * errors.front());
  EXPECT_LT(errors.back(), 0.15);
}

TEST(izhikevich, input_of_the_2003_scheme_enters_the_step_it_arrived_in) {
  // spnet's delay bookkeeping (rules.md T-SPNET-2): an input arriving at tick T is
  // integrated in the step (T - 1 ms, T]: v rises at T, not before.
  auto with_input = make("RS", izhikevich_scheme::izhikevich_2003, 1000);
  auto without = make("RS", izhikevich_scheme::izhikevich_2003, 1000);
  population_output out;
  const neuron_id_type id[] = {0};
  const weight_type w[] = {6.0f};
  double a = 0, b = 0;
  for (tick_type T = 1000; T <= 107000; T += 1000) {
    if (T == 107000) with_input.receive(T, receptor_type::excitatory, id, w, out);
    with_input.step(T, out);
    without.step(T, out);
    with_input.sample(0, T, id, std::span<double>(&a, 1));
    without.sample(0, T, id, std::span<double>(&b, 1));
    if (T < 107000) {
      ASSERT_EQ(a, b) << T;
    }
  }
  EXPECT_GT(a - b, 5.0);  // about the weight: two half-steps of 0.5 * 6
}

TEST(izhikevich, net_m_heterogeneity_spans_rs_to_ch_and_lts_to_fs) {
  // Izhikevich's net.m (2003): excitatory a = 0.02, b = 0.2, c = -65 + 15 r^2,
  // d = 8 - 6 r^2; inhibitory a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2.
  const std::vector<double> r{0.0, 0.5, 1.0};
  const auto e = net_m_parameters(izhikevich_heterogeneity::net_m_excitatory, r);
  const auto i = net_m_parameters(izhikevich_heterogeneity::net_m_inhibitory, r);
  izhikevich_parameters rs, ch, fs, lts;
  apply_izhikevich_preset("RS", rs);
  apply_izhikevich_preset("CH", ch);
  apply_izhikevich_preset("FS", fs);
  apply_izhikevich_preset("LTS", lts);
  EXPECT_EQ(std::tie(e.a[0], e.b[0], e.c_mV[0], e.d[0]), std::tie(rs.a, rs.b, rs.c_mV, rs.d));  // r = 0: RS
  EXPECT_EQ(std::tie(e.a[2], e.b[2], e.c_mV[2], e.d[2]), std::tie(ch.a, ch.b, ch.c_mV, ch.d));  // r = 1: CH
  EXPECT_DOUBLE_EQ(e.c_mV[1], -65.0 + 15.0 * 0.25);
  EXPECT_DOUBLE_EQ(e.d[1], 8.0 - 6.0 * 0.25);
  EXPECT_EQ(std::tie(i.a[0], i.b[0], i.c_mV[0], i.d[0]),
            std::tie(lts.a, lts.b, lts.c_mV, lts.d));  // r = 0: LTS
  EXPECT_DOUBLE_EQ(i.a[2], fs.a);                      // r = 1: FS
  EXPECT_DOUBLE_EQ(i.b[2], fs.b);
  EXPECT_EQ(std::tie(i.c_mV[2], i.d[2]), std::tie(fs.c_mV, fs.d));
  EXPECT_DOUBLE_EQ(i.a[1], 0.06);
  EXPECT_DOUBLE_EQ(i.b[1], 0.225);
  EXPECT_TRUE(net_m_parameters(izhikevich_heterogeneity::none, r).a.empty());
}

TEST(izhikevich, per_neuron_parameters_make_each_neuron_its_own_model) {
  // A population of an RS, a CH and an FS neuron fires exactly as three one-neuron
  // populations with those presets (the same scheme, step and input).
  for (const auto scheme : {izhikevich_scheme::izhikevich_2003, izhikevich_scheme::rk4}) {
    izhikevich_neuron_parameters per;
    for (const char* name : {"RS", "CH", "FS"}) {
      izhikevich_parameters q;
      apply_izhikevich_preset(name, q);
      per.a.push_back(q.a);
      per.b.push_back(q.b);
      per.c_mV.push_back(q.c_mV);
      per.d.push_back(q.d);
    }
    izhikevich_parameters base;  // RS; overridden per neuron
    base.scheme = scheme;
    izhikevich mixed("mixed", 3, base, {{-65.0, -65.0, -65.0}, {-13.0, -13.0, -13.0}}, izhikevich_grid, 100,
                     per);
    population_output out;
    mixed.set_current(0, {}, 10.0, out);
    const auto spikes = testing::drive(mixed, izhikevich_grid.to_ticks(300));
    for (neuron_id_type k = 0; k < 3; ++k) {
      auto alone = make(std::array{"RS", "CH", "FS"}[k], scheme, 100);
      alone.set_current(0, {}, 10.0, out);
      const auto expected = testing::times_of(testing::drive(alone, izhikevich_grid.to_ticks(300)), 0, 0.001);
      const auto got = testing::times_of(spikes, k, 0.001);
      ASSERT_GE(expected.size(), 3u);
      EXPECT_EQ(got, expected) << "neuron " << k;
    }
  }
  izhikevich_neuron_parameters wrong;
  wrong.a = {0.02};
  EXPECT_THROW(izhikevich("x", 2, {}, {{-65.0, -65.0}, {-13.0, -13.0}}, izhikevich_grid, 100, wrong),
               std::invalid_argument);
}

}  // namespace
}  // namespace spikeq
