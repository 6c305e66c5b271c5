// poisson_input current sources: per-neuron Poisson input counts every dt. The
// synaptic current of a neuron that never fires is then discretely sampled shot
// noise, whose mean and variance Campbell's theorem gives in closed form for the
// exact-propagator step (inputs of weight w arriving at step ends, decaying by
// a = exp(-h / tau_syn) per step, counts Poisson(nu h)):
//   mean I = nu h w / (1 - a),   var I = nu h w^2 / (1 - a^2).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numeric>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

constexpr const char* network = R"(
simulation { resolution: 0.001 dt: 0.1 t_stop: 1050 seed: 3 }
population {
  name: "cells"
  size: 200
  iaf_psc_exp { V_th: 1000 tau_syn_ex: 2 }  # never fires
}
current_source {
  name: "background"
  target: "cells"
  poisson_input { rate: 5000 weight: 10 }  # Hz, pA
}
recording { state { population: "cells" variable: "I_syn_ex" interval: 1 } }
)";

TEST(poisson_input, synaptic_current_has_campbells_mean_and_variance) {
  const auto dir = scratch_dir("poisson_input");
  { std::ofstream(dir / "net.textproto") << network; }
  const auto out = dir / "out.h5";
  const auto r =
      run_spikeq("run '" + (dir / "net.textproto").string() + "' -o '" + out.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::hdf5_reader reader(out);
  const auto data = reader.read_floats("/report/cells/data");
  const std::size_t columns = 200, skip_frames = 50;  // 50 ms to reach the stationary state
  ASSERT_GT(data.size(), columns * (skip_frames + 500));
  double sum = 0, sum_sq = 0;
  std::size_t n = 0;
  for (std::size_t i = skip_frames * columns; i < data.size(); ++i, ++n) {
    sum += data[i];
    sum_sq += static_cast<double>(data[i]) * data[i];
  }
  const double mean = sum / static_cast<double>(n);
  const double var = sum_sq / static_cast<double>(n) - mean * mean;
  const double nu_h = 5000.0 * 0.1e-3, w = 10.0, a = std::exp(-0.1 / 2.0);
  EXPECT_NEAR(mean, nu_h * w / (1 - a), 0.01 * nu_h * w / (1 - a));                 // 102.5 pA
  EXPECT_NEAR(var, nu_h * w * w / (1 - a * a), 0.05 * nu_h * w * w / (1 - a * a));  // 525 pA^2
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
