// The Potjans & Diesmann microcircuit example: the shipped files are what the
// generator writes, and a small version (scale 0.05, DC background, 0.5 s) runs
// with every population active at plausible rates (docs/models/microcircuit.md).
#include <gtest/gtest.h>

#include "tests/integration/microcircuit_support.hpp"

namespace spikeq::testing {
namespace {

TEST(microcircuit, shipped_files_are_the_generator_output) {
  const auto dir = scratch_dir("microcircuit_files");
  ASSERT_EQ(generate_microcircuit("--scale 0.1", dir / "s01.textproto"), 0);
  ASSERT_EQ(generate_microcircuit("--scale 1", dir / "s1.textproto"), 0);
  EXPECT_EQ(read_text(dir / "s01.textproto"), read_text(source_path("examples/microcircuit.textproto")))
      << "regenerate with examples/microcircuit.py --scale 0.1 -o examples/microcircuit.textproto";
  EXPECT_EQ(read_text(dir / "s1.textproto"), read_text(source_path("examples/microcircuit_full.textproto")))
      << "regenerate with examples/microcircuit.py --scale 1 -o examples/microcircuit_full.textproto";
  const auto r = run_spikeq("validate '" + source_path("examples/microcircuit.textproto") + "'", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("29888097 synapses"), std::string::npos) << r.out;  // recurrent only (poisson_input background)
  std::filesystem::remove_all(dir);
}

TEST(microcircuit, small_scale_runs_with_every_population_active) {
  const auto dir = scratch_dir("microcircuit_small");
  const auto net = dir / "mc.textproto";
  ASSERT_EQ(generate_microcircuit("--scale 0.05 --background dc", net), 0);
  const auto out = dir / "mc.h5";
  const auto r = run_spikeq("run '" + net.string() + "' -o '" + out.string() + "' --t-stop 500", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Sizes at scale 0.05: round(0.05 N_full).
  const std::array<double, 8> sizes{1034, 292, 1096, 274, 242, 53, 720, 147};
  for (std::size_t p = 0; p < 8; ++p) {
    const double rate = population_rate(out, microcircuit_populations[p], sizes[p], 200.0, 500.0);
    // Published full-scale rates lie in 0.9-9.1 Hz; a small network with full
    // in-degrees is more synchronous, so allow a wide band around them.
    EXPECT_GT(rate, 0.2) << microcircuit_populations[p];
    EXPECT_LT(rate, 30.0) << microcircuit_populations[p];
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
