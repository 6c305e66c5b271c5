// noise_current sources: a new piecewise-constant current per neuron every
// `interval`, drawn from the neuron's own random stream.
//
// A passive membrane (tau, C, R = tau / C) driven by amplitudes I_k ~ N(mu, sigma^2)
// held for h each is an AR(1) process at the switch times t_k = k h:
//   V_{k+1} - E_L = q (V_k - E_L) + (1 - q) R I_k,   q = exp(-h / tau),
// with the stationary moments
//   <V> = E_L + R mu,   Var V = (1 - q)^2 R^2 sigma^2 / (1 - q^2) = R^2 sigma^2 (1 - q) / (1 + q),
//   corr(V_k, V_{k+1}) = q
// (H. E. Plesser, "The NEST noise_generator", NEST documentation, 2015: the same
// derivation for NEST's noise_generator, whose dt is our interval).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "core/random_stream.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

std::filesystem::path write_network(const std::filesystem::path& dir, const std::string& text) {
  const auto path = dir / "net.textproto";
  std::ofstream(path) << text;
  return path;
}

cli_result run_network(const std::filesystem::path& net, const std::filesystem::path& out,
                       const std::filesystem::path& dir, const std::string& extra = "") {
  return run_spikeq("run '" + net.string() + "' -o '" + out.string() + "' -q " + extra, dir);
}

// Passive neurons (threshold out of reach) of both LIF flavours, event-driven and
// time-stepped, under normal noise switching every 1 ms; V_m sampled at the switch times.
constexpr const char* passive_network = R"(
simulation { resolution: 0.001 dt: 0.1 t_stop: 2100 seed: 5 }
population {
  name: "delta"
  size: 400
  iaf_psc_delta { C_m: 250 tau_m: 10 E_L: -70 V_th: 1000 V_reset: -70 }
}
population {
  name: "exp"
  size: 400
  iaf_psc_exp { C_m: 250 tau_m: 10 E_L: -70 V_th: 1000 V_reset: -70 }
}
current_source {
  name: "noise"
  target: ["delta", "exp"]
  noise_current { normal { mean: 50 std: 100 } interval: 1 }  # pA, ms
}
recording {
  state { population: "delta" variable: "V_m" interval: 1 }
  state { population: "exp" variable: "V_m" interval: 1 }
}
)";

struct ar1_estimate {
  double mean = 0, variance = 0, lag1 = 0;
  std::size_t neurons = 0, samples = 0;  // samples per neuron
};

// Pooled estimates over neurons (columns) and frames [skip, frames).
ar1_estimate estimate(const frame_data& f, std::size_t skip) {
  ar1_estimate e;
  e.neurons = f.columns;
  e.samples = f.frames - skip;
  const auto at = [&](std::size_t frame, std::size_t column) {
    return static_cast<double>(f.values[frame * f.columns + column]);
  };
  double sum = 0;
  for (std::size_t t = skip; t < f.frames; ++t)
    for (std::size_t c = 0; c < f.columns; ++c) sum += at(t, c);
  e.mean = sum / static_cast<double>(e.neurons * e.samples);
  double sq = 0, lagged = 0, lagged_norm = 0;
  for (std::size_t t = skip; t < f.frames; ++t)
    for (std::size_t c = 0; c < f.columns; ++c) {
      const double d = at(t, c) - e.mean;
      sq += d * d;
      if (t + 1 < f.frames) {
        lagged += d * (at(t + 1, c) - e.mean);
        lagged_norm += d * d;
      }
    }
  e.variance = sq / static_cast<double>(e.neurons * e.samples);
  e.lag1 = lagged / lagged_norm;
  return e;
}

TEST(noise_current, passive_membrane_has_the_moments_of_filtered_piecewise_constant_noise) {
  const auto dir = scratch_dir("noise_passive");
  const auto out = dir / "out.h5";
  const auto r = run_network(write_network(dir, passive_network), out, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const double tau = 10, C = 250, R = tau / C, h = 1, mu = 50, sigma = 100, E_L = -70;
  const double q = std::exp(-h / tau);
  const double mean = E_L + R * mu;                                   // -68 mV
  const double variance = R * R * sigma * sigma * (1 - q) / (1 + q);  // 0.799 mV^2
  // 100 ms (10 tau) to forget V(0) = E_L: the transient is below q^200 = e^-20.
  const std::size_t skip = 100;
  for (const char* population : {"delta", "exp"}) {
    SCOPED_TRACE(population);
    const frame_data f = read_frames(out, population);
    ASSERT_EQ(f.columns, 400u);
    ASSERT_EQ(f.frames, 2101u);  // t = 0, 1, ..., 2100 ms
    const ar1_estimate e = estimate(f, skip);
    // Standard errors for n samples of a Gaussian AR(1) with coefficient q from each
    // of N independent neurons (Bartlett's formulas): the mean's variance is
    // Var V (1 + q) / (1 - q) / (n N), the sample variance's 2 Var V^2 (1 + q^2) /
    // (1 - q^2) / (n N), the lag-1 autocorrelation's (1 - q^2) / (n N).
    const double nN = static_cast<double>(e.samples * e.neurons);
    const double se_mean = std::sqrt(variance * (1 + q) / (1 - q) / nN);                  // 0.005 mV
    const double se_variance = variance * std::sqrt(2 * (1 + q * q) / (1 - q * q) / nN);  // 0.004 mV^2
    const double se_lag1 = std::sqrt((1 - q * q) / nN);                                   // 0.0005
    // Five standard errors: a correct simulator fails about once in 10^6 runs (and
    // the seed is fixed), while a current held for dt instead of 1 ms (variance
    // 0.0125 mV^2, lag-1 correlation 0.99) or scaled wrongly fails by far.
    EXPECT_NEAR(e.mean, mean, 5 * se_mean);
    EXPECT_NEAR(e.variance, variance, 5 * se_variance);
    // The estimate of a lag-1 autocorrelation is biased by about -(1 + 3 q) / n per
    // series (0.002 here); allowed for on top.
    EXPECT_NEAR(e.lag1, q, 5 * se_lag1 + (1 + 3 * q) / static_cast<double>(e.samples));
  }
  std::filesystem::remove_all(dir);
}

// Izhikevich 2007 (daspnet.m): every neuron gets I = 13 * (rand - 0.5) each 1 ms
// step, here without any synaptic input.
constexpr const char* izhikevich_network = R"(
simulation { resolution: 0.001 dt: 0.1 t_stop: 1000 seed: 11 }
population {
  name: "izh"
  size: 100
  izhikevich { preset: RS integration: IZHIKEVICH_2003 dt: 1 }
}
current_source {
  name: "daspnet_noise"
  target: "izh"
  noise_current { uniform { low: -6.5 high: 6.5 } interval: 1 }
}
recording {
  spikes { population: "izh" }
  state { population: "izh" variable: "V_m" interval: 1 }
}
)";

// The same neurons stepped here with Izhikevich's scheme, drawing each neuron's
// inputs from its stream as the kernel does (source 0, neuron n: entity n). The
// amplitude drawn at t drives the step (t, t + 1 ms].
struct reference_run {
  std::vector<std::vector<double>> v;  // [frame][neuron], frame t = t ms
  std::size_t spikes = 0;
};

reference_run izhikevich_reference(std::uint64_t seed, std::size_t neurons, std::size_t steps) {
  const double a = 0.02, b = 0.2, c = -65, d = 8;
  std::vector<double> v(neurons, c), u(neurons, b * c);
  std::vector<random_stream> streams;
  for (std::size_t n = 0; n < neurons; ++n)
    streams.emplace_back(seed, stream_kind::noise_current, 0, static_cast<std::uint32_t>(n));
  reference_run ref;
  ref.v.push_back(v);
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t n = 0; n < neurons; ++n) {
      const double I = streams[n].uniform(-6.5, 6.5);
      double x = v[n];
      x += 0.5 * (0.04 * x * x + 5.0 * x + 140.0 - u[n] + I);
      x += 0.5 * (0.04 * x * x + 5.0 * x + 140.0 - u[n] + I);
      u[n] = u[n] + 1.0 * a * (b * x - u[n]);
      if (x >= 30) {
        x = c;
        u[n] += d;
        ++ref.spikes;
      }
      v[n] = x;
    }
    ref.v.push_back(v);
  }
  return ref;
}

TEST(noise_current, izhikevich_uniform_noise_reaches_the_model_and_depends_only_on_the_seed) {
  const auto dir = scratch_dir("noise_izh");
  const auto net = write_network(dir, izhikevich_network);
  const auto first = dir / "first.h5", again = dir / "again.h5", other = dir / "other.h5";
  for (const auto& [out, extra] :
       {std::pair{first, ""}, std::pair{again, "--threads 3"}, std::pair{other, "--seed 12"}}) {
    const auto r = run_network(net, out, dir, extra);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // The recorded trace is the reference's: the input reaches the model, from the
  // right stream, with the right timing.
  const frame_data f = read_frames(first, "izh");
  ASSERT_EQ(f.columns, 100u);
  ASSERT_EQ(f.frames, 1001u);
  const reference_run ref = izhikevich_reference(11, 100, 1000);
  std::size_t mismatches = 0;
  for (std::size_t t = 0; t < f.frames; ++t)
    for (std::size_t n = 0; n < f.columns; ++n)
      mismatches += f.values[t * f.columns + n] != static_cast<float>(ref.v[t][n]);
  EXPECT_EQ(mismatches, 0u);
  const spike_data spikes = read_spikes(first, "izh");
  EXPECT_EQ(spikes.node_ids.size(), ref.spikes);
  EXPECT_GT(ref.spikes, 0u);  // the noise alone makes them fire now and then (113 spikes, ~1 Hz)
  // Without input every neuron would follow the same deterministic path to rest; the
  // noise spreads them (by a few mV: the fluctuation of V_m around rest, where it
  // relaxes within a few ms, for an input SD of 13 / sqrt(12) = 3.75).
  double spread = 0;
  for (std::size_t t = 500; t < f.frames; ++t) {
    double sum = 0, sq = 0;
    for (std::size_t n = 0; n < f.columns; ++n) sum += f.values[t * f.columns + n];
    const double m = sum / static_cast<double>(f.columns);
    for (std::size_t n = 0; n < f.columns; ++n) sq += std::pow(f.values[t * f.columns + n] - m, 2);
    spread += std::sqrt(sq / static_cast<double>(f.columns - 1));
  }
  spread /= static_cast<double>(f.frames - 500);
  EXPECT_GT(spread, 1.0);
  EXPECT_LT(spread, 10.0);

  // Same seed: identical spikes and traces (here with 3 threads); another seed: other traces.
  const frame_data g = read_frames(again, "izh"), o = read_frames(other, "izh");
  EXPECT_EQ(f.values, g.values);
  const spike_data spikes_again = read_spikes(again, "izh");
  EXPECT_EQ(spikes.times_ms, spikes_again.times_ms);
  EXPECT_EQ(spikes.node_ids, spikes_again.node_ids);
  ASSERT_EQ(o.values.size(), f.values.size());
  std::size_t differing = 0;
  for (std::size_t k = f.columns; k < f.values.size(); ++k) differing += f.values[k] != o.values[k];
  EXPECT_GT(differing, f.values.size() / 2);
  std::filesystem::remove_all(dir);
}

struct bad_noise_case {
  const char* name;
  const char* source;  // the noise_current block, on line 6 of the file
  const char* words;
};

class bad_noise_current : public ::testing::TestWithParam<bad_noise_case> {};

TEST_P(bad_noise_current, exits_with_2_and_names_the_line) {
  const bad_noise_case c = GetParam();
  const auto dir = scratch_dir(std::string("noise_bad_") + c.name);
  const std::string text = std::string(R"(simulation { resolution: 0.001 dt: 0.1 }
population { name: "lif" size: 3 iaf_psc_exp {} }
population { name: "izh" size: 3 izhikevich {} }
current_source {
  target: "lif"
)") + c.source + "\n}\n";
  const auto net = write_network(dir, text);
  const std::string where = net.string() + ":6:";
  const auto run = run_network(net, dir / "out.h5", dir);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(where), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(c.words), std::string::npos) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.h5"));
  const auto validate = run_spikeq("validate '" + net.string() + "'", dir);
  EXPECT_EQ(validate.exit_code, 2);
  EXPECT_NE(validate.err.find(where), std::string::npos) << validate.err;
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    network_files, bad_noise_current,
    ::testing::Values(
        bad_noise_case{"high_below_low", "  noise_current { uniform { low: 5 high: -5 } }",
                       "uniform high (-5) is below low (5)"},
        bad_noise_case{"stop_before_start", "  noise_current { normal { std: 10 } start: 50 stop: 20 }",
                       "stop must be after start"},
        bad_noise_case{"stop_at_start", "  noise_current { normal { std: 10 } start: 50 stop: 50 }",
                       "stop must be after start"},
        bad_noise_case{"off_the_tick_grid", "  noise_current { normal { std: 10 } interval: 0.1005 }",
                       "not a whole number of resolution steps"},
        bad_noise_case{"within_a_step", "  noise_current { normal { std: 10 } interval: 0.25 }",
                       "not a whole number of the steps of population 'lif'"},
        bad_noise_case{"no_distribution", "  noise_current { interval: 1 }", "has no distribution"},
        bad_noise_case{"negative_std", "  noise_current { normal { std: -1 } }",
                       "std = -1 pA must be >= 0 pA"},
        bad_noise_case{"zero_interval", "  noise_current { normal { std: 1 } interval: 0 }",
                       "interval = 0 ms must be > 0 ms"}),
    [](const ::testing::TestParamInfo<bad_noise_case>& info) { return std::string(info.param.name); });

TEST(noise_current, default_interval_must_fit_the_steps_of_an_izhikevich_target) {
  // simulation.dt (0.1 ms) is the default interval; Izhikevich's scheme steps 1 ms.
  const auto dir = scratch_dir("noise_bad_default");
  const auto net = write_network(dir, R"(simulation { resolution: 0.001 dt: 0.1 }
population { name: "izh" size: 3 izhikevich {} }
current_source {
  target: "izh"
  noise_current { uniform { low: -6.5 high: 6.5 } }
}
)");
  const auto r = run_spikeq("validate '" + net.string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(net.string() + ":5:"), std::string::npos) << r.err;
  EXPECT_NE(
      r.err.find("interval = 0.1 ms is not a whole number of the steps of population 'izh' (dt = 1 ms)"),
      std::string::npos)
      << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
