// The biases boltzmann_sleep_hebbian learns are recorded (glm_sampling's `bias`) and
// follow the paper code's update exactly (rules.md §3.5; unibe-cns/sal-code,
// neuralsampling/network.py, training_iteration): after each iteration k of `dur`
// steps, b_i += eta_b (p*(z_i = 1) - n_i tau_ref / dur), clipped to [-2, 2], with n_i
// the spikes of neuron i in the iteration's steps [k dur, (k + 1) dur). p* comes from
// the W*, b* written in examples/sal_boltzmann.textproto, computed here.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/boltzmann_target.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

constexpr int n = 7;
constexpr double dur = 5000;  // the example's trial_duration, in steps of 1 ms
constexpr double tau_ref = 50;
constexpr double eta_bias = 0.01;
constexpr int iterations = 40;

TEST(sal_boltzmann_bias, recorded_biases_follow_the_sleep_phase_update) {
  const auto dir = scratch_dir("sal_boltzmann_bias");
  std::string text = read_text(source_path("examples/sal_boltzmann.textproto"));
  text = replace_all(text, "variable: \"bias\" interval: 50000", "variable: \"bias\" interval: 5000");
  std::ofstream(dir / "bm.textproto") << text;
  const auto out = dir / "bm.h5";
  const auto r = run_spikeq("run '" + (dir / "bm.textproto").string() + "' -o '" + out.string() +
                                "' -q --t-stop " + std::to_string(iterations * 5000),
                            dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const auto p_star =
      marginals(boltzmann(numbers_after(text, "target_weights"), numbers_after(text, "target_biases")), n);
  io::hdf5_reader f(out);
  const auto bias = f.read_doubles("/report/bm/data");  // frames at 0, dur, 2 dur, ...
  ASSERT_EQ(bias.size(), static_cast<std::size_t>((iterations + 1) * n));
  const auto times = f.read_doubles("/spikes/bm/timestamps");
  const auto ids = f.read_uint64s("/spikes/bm/node_ids");
  double largest_change = 0.0;
  for (int k = 0; k < iterations; ++k) {
    std::vector<double> spikes(n, 0.0);
    for (std::size_t s = 0; s < times.size(); ++s)
      if (times[s] >= k * dur && times[s] < (k + 1) * dur) spikes[ids[s]] += 1.0;
    for (int i = 0; i < n; ++i) {
      const double before = bias[static_cast<std::size_t>(k * n + i)];
      const double after = bias[static_cast<std::size_t>((k + 1) * n + i)];
      const double expected =
          std::clamp(before + eta_bias * (p_star[i] - spikes[i] * tau_ref / dur), -2.0, 2.0);
      // Frames are float32 (SONATA reports): each value carries a rounding of 2^-24 relative.
      EXPECT_NEAR(after, expected, 1e-6) << "iteration " << k << ", neuron " << i;
      largest_change = std::max(largest_change, std::abs(after - before));
    }
  }
  EXPECT_GT(largest_change, 1e-3);  // the biases do learn
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
