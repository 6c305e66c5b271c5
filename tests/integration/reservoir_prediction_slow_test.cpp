// Yamada & Chao 2025's "what/when" paradigm (rules.md §5.6; examples/
// reservoir_prediction.textproto; docs/models/reservoir_prediction.md) in reduced
// form: 250 trials instead of 500, the latency switching from 500 to 700 ms at trial
// 150 instead of 300, no spike or weight recording. About 26 s of wall time.
//
// Expectations and where they come from (trial-averaged recorded y, peaks over the
// first 1000 ms after the cue):
//  - targets of the issue (rules.md §5.6, "proposed test"): after learning, the "what"
//    readouts peak within +-50 ms of the outcome time with amplitude 0.8 +- 0.1 (A,
//    p = 0.8) and 0.2 +- 0.1 (B, p = 0.2) of their teacher (1); the "when" readout,
//    taught on every trial, at 1;
//  - the abstract's claim: the local rule moves its peak after a latency change without
//    a reset, FORCE (RLS) does not unless P is reset.
// Measured on this reduced run (seeds 1, 2, 3; bench/reservoir_prediction.py measures
// the full example), trials 100-149, i.e. before the switch:
//    peaks 510-520 ms for every readout; when 0.997 / 0.996 / 0.978; FORCE A 0.795 /
//    0.755 / 0.833, FORCE B 0.220 / 0.243 / 0.154; local what B 0.189 / 0.177 / 0.149;
//    local what A 0.672 / 0.728 / 0.762: OFFLINE consolidation is still learning at
//    trial 150 (in the full example it holds 0.74-0.82 over trials 200-299 and first
//    stays within 0.8 +- 0.1 from trial 79-184), so here A is only required >= 0.6;
//  trials 225-249 (75-99 after the switch):
//    local when peak 715 / 730 / 730 ms, amplitude 0.952 / 0.925 / 0.928; local what A
//    peak 730 / 725 / 715 ms; FORCE without reset still 515 / 530 / 515 ms; FORCE with
//    the reset 720 / 710 / 710 ms, when amplitude 0.961 / 0.943 / 0.956.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

constexpr double trial_ms = 1550.0;
constexpr double frame_ms = 5.0;

struct response_peak {
  double time_ms = 0.0;
  double value = 0.0;
};

// Peak of one readout neuron's y averaged over trials [first, last), offsets 0-995 ms
// after each trial's start (frames every 5 ms from t = 0; trial starts are multiples).
response_peak trial_averaged_peak(const frame_data& f, std::size_t column, int first, int last) {
  constexpr int offsets = 200;
  std::vector<double> mean(offsets, 0.0);
  for (int k = first; k < last; ++k) {
    const auto start = static_cast<std::size_t>(k * trial_ms / frame_ms);
    for (int j = 0; j < offsets; ++j) mean[j] += f.values.at((start + j) * f.columns + column);
  }
  const auto best = std::max_element(mean.begin(), mean.end());
  return {static_cast<double>(best - mean.begin()) * frame_ms, *best / (last - first)};
}

TEST(reservoir_prediction, readouts_learn_what_and_when_and_only_force_without_reset_keeps_the_old_latency) {
  const auto dir = scratch_dir("reservoir_prediction");
  std::ifstream in(source_path("examples/reservoir_prediction.textproto"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  text = replace_all(text, "t_stop: 775000", "t_stop: 387500");
  text = replace_all(text, "change { trial: 300 latency: 700", "change { trial: 150 latency: 700");
  text = drop_lines_starting_with(drop_lines_starting_with(text, "  spikes {"), "  weights {");
  ASSERT_NE(text.find("t_stop: 387500"), std::string::npos);
  ASSERT_NE(text.find("trial: 150 latency: 700"), std::string::npos);
  const auto network = dir / "reduced.textproto";
  std::ofstream(network) << text;
  const auto out = dir / "reduced.h5";
  const auto r = run_spikeq("run '" + network.string() + "' -o '" + out.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  io::hdf5_reader file(out);
  const auto start = file.read_doubles("/protocol/trial_start");
  const auto outcome_time = file.read_doubles("/protocol/outcome_time");
  ASSERT_EQ(start.size(), 250u);
  EXPECT_EQ(outcome_time.at(149) - start.at(149), 500.0);
  EXPECT_EQ(outcome_time.at(150) - start.at(150), 700.0);

  const auto what = read_frames(out, "what");
  const auto when = read_frames(out, "when");
  const auto force = read_frames(out, "force");
  const auto force_reset = read_frames(out, "force_reset");
  const auto near = [](double t, double target) { return std::abs(t - target) <= 50.0; };

  // Before the switch: trials 100-149.
  const auto a = trial_averaged_peak(what, 0, 100, 150);
  const auto b = trial_averaged_peak(what, 1, 100, 150);
  const auto t = trial_averaged_peak(when, 0, 100, 150);
  const auto fa = trial_averaged_peak(force, 0, 100, 150);
  const auto fb = trial_averaged_peak(force, 1, 100, 150);
  const auto ft = trial_averaged_peak(force, 2, 100, 150);
  for (const auto& p : {a, b, t, fa, fb, ft}) EXPECT_TRUE(near(p.time_ms, 500.0)) << p.time_ms;
  EXPECT_NEAR(t.value, 1.0, 0.1);
  EXPECT_NEAR(ft.value, 1.0, 0.1);
  EXPECT_NEAR(fa.value, 0.8, 0.1);
  EXPECT_NEAR(fb.value, 0.2, 0.1);
  EXPECT_NEAR(b.value, 0.2, 0.1);
  EXPECT_GE(a.value, 0.6);
  EXPECT_LE(a.value, 0.9);

  // 75-99 trials after the switch: trials 225-249.
  const auto t_after = trial_averaged_peak(when, 0, 225, 250);
  const auto a_after = trial_averaged_peak(what, 0, 225, 250);
  const auto ft_after = trial_averaged_peak(force, 2, 225, 250);
  const auto rt_after = trial_averaged_peak(force_reset, 2, 225, 250);
  EXPECT_TRUE(near(t_after.time_ms, 700.0)) << t_after.time_ms;
  EXPECT_GE(t_after.value, 0.85);
  EXPECT_TRUE(near(a_after.time_ms, 700.0)) << a_after.time_ms;
  EXPECT_TRUE(near(ft_after.time_ms, 500.0))
      << "FORCE without a reset should still peak at the old latency, not " << ft_after.time_ms;
  EXPECT_TRUE(near(rt_after.time_ms, 700.0)) << rt_after.time_ms;
  EXPECT_GE(rt_after.value, 0.85);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
