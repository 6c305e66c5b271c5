// Stochastic neurons through the whole program: glm_sampling's one-step lag between
// a spike and the PSPs it causes, and pp_psc_delta's rate, from network file to HDF5.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

TEST(stochastic_neurons, a_glm_spike_counts_in_the_next_tau_syn_steps_after_its_delay) {
  // "a" (bias 40: p > 1 - 1e-15) fires in steps 1, 101, 201 (tau_ref = 10 ms = 100
  // steps). "b" (bias -30, tau_syn 2 ms = 20 steps) receives w = 0.75 with a delay of
  // one step: u_b = -29.25 in steps n+1 .. n+20 after each spike of step n, the SAL
  // code's one-step lag (rules.md §3.3); "c" gets it two steps late (n+2 .. n+21).
  const std::string net = R"(
simulation { resolution: 0.001 dt: 0.1 t_stop: 30 seed: 4 }
population { name: "a" size: 1 glm_sampling { tau_ref: 10 bias { constant: 40 } } }
population { name: "b" size: 1 glm_sampling { tau_ref: 1 tau_syn: 2 bias { constant: -30 } } }
population { name: "c" size: 1 glm_sampling { tau_ref: 1 tau_syn: 2 bias { constant: -30 } } }
projection { source: "a" target: "b" one_to_one {} weight { constant: 0.75 } delay { constant: 0.1 } }
projection { source: "a" target: "c" one_to_one {} weight { constant: 0.75 } delay { constant: 0.2 } }
recording {
  spikes { population: "a" }
  spikes { population: "b" }
  state { population: "b" variable: "u" interval: 0.1 }
  state { population: "c" variable: "u" interval: 0.1 }
  state { population: "a" variable: "z" interval: 0.1 }
}
)";
  const auto dir = scratch_dir("glm_lag");
  std::ofstream(dir / "net.textproto") << net;
  const auto r = run_spikeq(
      "run '" + (dir / "net.textproto").string() + "' -o '" + (dir / "o.h5").string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = read_spikes(dir / "o.h5", "a");
  ASSERT_EQ(a.times_ms.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k)
    EXPECT_EQ(std::llround(a.times_ms[k] * 1000), static_cast<long long>(100 + 10000 * k));
  EXPECT_TRUE(read_spikes(dir / "o.h5", "b").times_ms.empty());
  const auto b = read_frames(dir / "o.h5", "b");
  const auto c = read_frames(dir / "o.h5", "c");
  const auto z = read_frames(dir / "o.h5", "a");
  ASSERT_EQ(b.columns, 1u);
  ASSERT_GE(b.frames, 300u);
  const auto time = io::hdf5_reader(dir / "o.h5").read_doubles("/report/b/mapping/time");
  ASSERT_EQ(time.at(0), 0.0);           // start
  ASSERT_NEAR(time.at(2), 0.1, 1e-12);  // step
  for (std::size_t f = 0; f < b.frames; ++f) {
    const long step = static_cast<long>(f);  // frame f holds the state at f * dt
    const long since = (step - 1) % 100;     // steps since a's last spike (from step 1)
    const bool b_on = step >= 2 && since >= 1 && since <= 20;
    const bool c_on = step >= 3 && since >= 2 && since <= 21;
    EXPECT_EQ(b.values[f], b_on ? -29.25f : -30.0f) << "step " << step;
    EXPECT_EQ(c.values[f], c_on ? -29.25f : -30.0f) << "step " << step;
    EXPECT_EQ(z.values[f], step >= 1 ? 1.0f : 0.0f) << "step " << step;  // refractory all along
  }
  std::filesystem::remove_all(dir);
}

TEST(stochastic_neurons, pp_psc_delta_population_fires_at_the_renewal_rate) {
  // As tests/neurons/pp_psc_delta_test.cpp: hazard lambda = 40 Hz (c_2, V_m = 0),
  // dead time 10 ms = 100 steps: rate = 1 / ((100 + 1/p) h), p = 1 - exp(-lambda h),
  // = 28.53 Hz; 200 neurons for 5 s give about 28500 spikes (SD about 120).
  const std::string net = R"(
simulation { resolution: 0.001 dt: 0.1 t_stop: 5000 seed: 8 }
population { name: "p" size: 200 pp_psc_delta { c_1: 0 c_2: 40 dead_time: 10 with_reset: false } }
recording { spikes { population: "p" } }
)";
  const auto dir = scratch_dir("pp_rate");
  std::ofstream(dir / "net.textproto") << net;
  const auto r = run_spikeq(
      "run '" + (dir / "net.textproto").string() + "' -o '" + (dir / "o.h5").string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = read_spikes(dir / "o.h5", "p");
  const double h = 1e-4, prob = -std::expm1(-40 * h);
  const double mean_isi = (100 + 1 / prob) * h, var_isi = h * h * (1 - prob) / (prob * prob);
  const double expected = 200 * 5.0 / mean_isi;
  const double sd = std::sqrt(200 * 5.0 * var_isi / std::pow(mean_isi, 3));
  EXPECT_NEAR(static_cast<double>(s.times_ms.size()), expected, 5 * sd);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
