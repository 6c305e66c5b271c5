// T-SAL-4 (rules.md §3.10) in reduced form: examples/sal_layer_alignment.textproto
// (100 -> 50 glm_sampling neurons, W ~ N(0, 0.1^2) fixed, B learning with SAL
// alone) for 10^7 of its 5 * 10^7 steps. The full run (bench/sal_demos.py,
// docs/models/sal.md) ends below 10 degrees; here the angle between W and B^T,
// recorded during the run, must start near 90 degrees (independent random
// matrices), fall in trend (quarter means decreasing) and end below 35 degrees
// (the full run passes 35 degrees after about 6 * 10^6 steps).
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

TEST(sal_layer_alignment, angle_between_forward_and_feedback_falls_in_trend) {
  const auto dir = scratch_dir("sal_layers");
  const auto out = dir / "layers.h5";
  const auto r = run_spikeq("run '" + source_path("examples/sal_layer_alignment.textproto") + "' -o '" +
                                out.string() + "' -q --t-stop 10000000",
                            dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::hdf5_reader f(out);
  const auto angle = f.read_doubles("/alignment/W_vs_B/angle_deg");
  ASSERT_GE(angle.size(), 20u);
  EXPECT_GT(angle.front(), 80.0);
  const std::size_t q = angle.size() / 4;
  const auto mean = [&](std::size_t k) {
    return std::accumulate(angle.begin() + static_cast<std::ptrdiff_t>(k * q),
                           angle.begin() + static_cast<std::ptrdiff_t>((k + 1) * q), 0.0) /
           static_cast<double>(q);
  };
  EXPECT_GT(mean(0), mean(1));
  EXPECT_GT(mean(1), mean(2));
  EXPECT_GT(mean(2), mean(3));
  EXPECT_LT(angle.back(), 35.0);
  EXPECT_GT(f.read_doubles("/alignment/W_vs_B/pearson").back(), 0.8);
}

}  // namespace
}  // namespace spikeq::testing
