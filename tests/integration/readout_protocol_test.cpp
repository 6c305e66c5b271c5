// A readout trained through the command line by a trial protocol (rules.md §5.6):
// a "clock" of spike generators fires at fixed times after each trial's start;
// outcome A follows at 500 ms with probability 0.8, otherwise B; readout neurons
// "A" and "B" are taught 1 for 50 ms at their outcome, "when" at either. With the
// same presynaptic pattern on every trial, the least-squares readout is the
// expected teacher: A and B learn 0.8 and 0.2 of what "when" (a certain teacher)
// learns (tests/plasticity/error_modulated_hebbian_test.cpp shows it for the rule
// alone). The run is byte-identical with 1 and 2 threads.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numeric>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"
#include "tests/integration/thread_invariance.hpp"

namespace spikeq::testing {
namespace {

constexpr int trials = 150;
constexpr int clock_neurons = 10;

std::string network_text(const std::string& mode, double eta) {
  std::string trains;
  for (int j = 0; j < clock_neurons; ++j) {
    std::string times;
    for (int k = 0; k < trials; ++k)
      times += fmt::format("{}{}", times.empty() ? "" : ", ", 1000 * k + 300 + 30 * j);
    trains += fmt::format("    train {{ spike_times: [{}] }}\n", times);
  }
  return fmt::format(R"(simulation {{ resolution: 0.01 dt: 1 t_stop: {t_stop} seed: 5 }}
population {{
  name: "clock"
  size: {n}
  spike_generator {{
{trains}  }}
}}
population {{ name: "readout" size: 3 linear_readout {{ tau: 50 }} }}
projection {{
  name: "clock_to_readout"
  source: "clock"
  target: "readout"
  all_to_all {{}}
  weight {{ constant: 0 }}
  delay {{ constant: 1 }}
  plasticity {{ error_modulated_hebbian {{ eta: {eta} mode: {mode} alpha: 0.1 }} }}
}}
protocol {{
  trial_duration: 1000
  latency: 500
  outcome {{ name: "A" probability: 0.8
    teacher {{ readout: "readout" neurons: [0, 2] duration: 50 }} }}
  outcome {{ name: "B" probability: 0.2
    teacher {{ readout: "readout" neurons: [1, 2] duration: 50 }} }}
  gate {{ start: -100 stop: 100 }}
}}
recording {{
  spikes {{ population: "clock" }}
  state {{ population: "readout" variable: "y" interval: 5 }}
  weights {{ projection: "clock_to_readout" events: true }}
}}
)",
                     fmt::arg("t_stop", 1000 * trials), fmt::arg("n", clock_neurons),
                     fmt::arg("trains", trains), fmt::arg("eta", eta), fmt::arg("mode", mode));
}

std::filesystem::path write_network(const std::filesystem::path& dir, const std::string& mode, double eta) {
  const auto path = dir / ("readout_" + mode + ".textproto");
  std::ofstream(path) << network_text(mode, eta);
  return path;
}

// The readouts' y at 525 ms (mid-teacher) averaged over the last 30 trials.
std::array<double, 3> learned(const std::filesystem::path& out) {
  const auto frames = read_frames(out, "readout");
  std::array<double, 3> sum{0, 0, 0};
  int n = 0;
  for (int k = trials - 30; k < trials; ++k, ++n) {
    const auto frame = static_cast<std::size_t>((1000.0 * k + 525.0) / 5.0);  // frames every 5 ms from 0
    for (std::size_t c = 0; c < 3; ++c) sum[c] += frames.values.at(frame * frames.columns + c);
  }
  for (auto& v : sum) v /= n;
  return sum;
}

class readout_protocol : public ::testing::TestWithParam<std::pair<const char*, double>> {};

TEST_P(readout_protocol, readouts_learn_in_proportion_to_outcome_probability) {
  const auto [mode, eta] = GetParam();
  const auto dir = scratch_dir(std::string("readout_") + mode);
  const auto out = dir / "out.h5";
  const auto r =
      run_spikeq("run '" + write_network(dir, mode, eta).string() + "' -o '" + out.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::hdf5_reader file(out);
  const auto outcome = file.read_uint64s("/protocol/outcome");
  ASSERT_EQ(outcome.size(), static_cast<std::size_t>(trials));
  const double a_fraction =
      static_cast<double>(std::count(outcome.begin(), outcome.end(), 0u)) / static_cast<double>(trials);
  EXPECT_NEAR(a_fraction, 0.8, 4 * std::sqrt(0.8 * 0.2 / trials));  // binomial, 4 SD
  EXPECT_EQ(file.string_attribute("/protocol", "outcome_names"), "A,B");
  const auto start = file.read_doubles("/protocol/trial_start");
  const auto at = file.read_doubles("/protocol/outcome_time");
  EXPECT_EQ(start.at(7), 7000.0);
  EXPECT_EQ(at.at(7), 7500.0);

  const auto y = learned(out);
  ASSERT_GT(y[2], 0.5) << "the 'when' readout must learn its certain teacher";
  EXPECT_NEAR(y[0] / y[2], 0.8, 0.12) << "A: " << y[0] << ", when: " << y[2];
  EXPECT_NEAR(y[1] / y[2], 0.2, 0.12) << "B: " << y[1] << ", when: " << y[2];
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(modes, readout_protocol,
                         ::testing::Values(std::pair{"ONLINE", 2e-3}, std::pair{"OFFLINE", 2e-3},
                                           std::pair{"RLS", 0.0}),
                         [](const auto& info) { return std::string(info.param.first); });

// A teacher given as a text file (relative to the network file) is read into the
// series: the recorded target follows it; a malformed line is bad input naming the
// file and line.
TEST(readout_protocol, target_series_from_a_file) {
  const auto dir = scratch_dir("readout_series_file");
  std::ofstream(dir / "teacher.txt") << "# time_ms value\n0, 0\n100 1\n\n150 0\n";
  std::ofstream(dir / "net.textproto") << R"(simulation { t_stop: 300 }
population { name: "a" size: 2 poisson_generator { rate: 50 } }
population { name: "r" size: 1 linear_readout {} }
projection { source: "a" target: "r" all_to_all {} weight { constant: 0 }
  plasticity { error_modulated_hebbian { eta: 0.01 } } }
target_series { readout: "r" neuron: 0 file: "teacher.txt" }
recording { state { population: "r" variable: "target" interval: 50 } }
)";
  const auto out = dir / "out.h5";
  auto r = run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto frames = read_frames(out, "r");
  EXPECT_EQ(frames.values, (std::vector<float>{0, 0, 1, 0, 0, 0, 0}));  // t = 0, 50, ..., 300 ms
  std::ofstream(dir / "teacher.txt") << "0 0\n100 x\n";
  r = run_spikeq("validate '" + (dir / "net.textproto").string() + "'", dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("teacher.txt:2: expected \"time_ms value\""), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// Learning phases: the projections named in a phase change weights only inside it
// (every trial from 20 to 50 ms); a dopamine-STDP projection integrates its
// weight only there too, while its eligibility keeps decaying.
TEST(readout_protocol, projections_learn_only_in_their_phases) {
  const auto dir = scratch_dir("learning_phases");
  std::ofstream(dir / "net.textproto") << R"(simulation { t_stop: 1000 seed: 3 }
population { name: "in" size: 20 poisson_generator { rate: 80 } }
population { name: "out" size: 5 iaf_psc_exp { I_e: 300 } }
population { name: "r" size: 1 linear_readout {} }
neuromodulator { name: "da" tau: 20 tonic: 0.5 }
projection { name: "stdp" source: "in" target: "out" all_to_all {} weight { constant: 50 }
  plasticity { stdp { Wmax: 200 additive { A_plus: 1 A_minus: 1 } } } }
projection { name: "da" source: "in" target: "out" all_to_all {} weight { constant: 50 }
  plasticity { delay_convention: AXONAL dopamine_stdp { channel: "da" gain: 0.1 } } }
projection { name: "ro" source: "in" target: "r" all_to_all {} weight { constant: 0 } }
protocol {
  trial_duration: 100
  outcome { name: "x" probability: 1 }
  phase { name: "learn" start: 20 stop: 50 projections: ["stdp", "da"] }
}
recording {
  weights { projection: "stdp" events: true }
  weights { projection: "da" interval: 1 synapses: [0, 1, 2, 3] }
}
)";
  const auto out = dir / "out.h5";
  const auto r =
      run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::hdf5_reader file(out);
  const auto times = file.read_doubles("/weight_events/stdp/timestamps");
  ASSERT_GT(times.size(), 100u);
  for (const double t : times) {
    const double in_trial = std::fmod(t, 100.0);
    EXPECT_TRUE(in_trial >= 20.0 && in_trial < 50.0) << "weight change at " << t << " ms";
  }
  // Frames every 1 ms: dopamine-STDP weights only move between 20 and 50 ms.
  const auto frames = read_frames(out, "da");
  int moved_inside = 0;
  for (std::size_t f = 1; f < frames.frames; ++f) {
    const double t = static_cast<double>(f);
    for (std::size_t c = 0; c < frames.columns; ++c) {
      const bool moved = frames.values[f * frames.columns + c] != frames.values[(f - 1) * frames.columns + c];
      const double in_trial = std::fmod(t, 100.0);
      if (moved) {
        EXPECT_TRUE(in_trial > 20.0 && in_trial <= 50.0) << "dopamine weight moved at " << t << " ms";
        ++moved_inside;
      }
    }
  }
  EXPECT_GT(moved_inside, 50);
  std::filesystem::remove_all(dir);
}

TEST(readout_protocol, byte_identical_for_1_and_2_threads) {
  const auto dir = scratch_dir("readout_threads");
  EXPECT_TRUE(outputs_identical_for_threads("readout", write_network(dir, "ONLINE", 2e-3).string(),
                                            "--t-stop 20000", {1, 2}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
