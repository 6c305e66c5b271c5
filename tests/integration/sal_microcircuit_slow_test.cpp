// SAL paper Fig. 6 in a reduced form (rules.md §3.6; docs/models/sal_microcircuit.md):
// 40 of the paper's 150 epochs, seed 3, whose random feedback B12 starts with the
// sign opposite to W21's. Claim (Gierlich et al. 2025, Fig. 6): with SAL the
// feedback weight takes the forward weight's sign and the validation loss approaches
// copy-backprop's, while fixed random feedback (FA) does not learn the teacher. The
// full run (150 epochs, 5 seeds) is bench/sal_microcircuit.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"

namespace spikeq::testing {
namespace {

constexpr int epochs = 40, patterns = 26, train = 20, validation = 6;
constexpr double pattern_ms = 20000, lag_ms = 2000, report_ms = 10;

// The nudging targets, one per pattern, from the network's target_series.
std::vector<double> targets(const std::string& text) {
  const auto block = text.find("target_series");
  const auto open = text.find("values: [", block) + 9;
  std::istringstream in(text.substr(open, text.find(']', open) - open));
  std::vector<double> v;
  for (std::string item; std::getline(in, item, ',');) v.push_back(std::stod(item));
  return v;
}

// Mean over the last 5 epochs of the validation loss: per validation pattern, the
// squared difference of the mean output basal potential after the lag and the target.
double final_loss(const std::filesystem::path& dir, const std::string& name) {
  const auto net = dir / (name + ".textproto");
  const auto out = dir / (name + ".h5");
  const auto r = run_spikeq("run '" + net.string() + "' -o '" + out.string() + "'", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto tgt = targets(read_text(net));
  const auto v_b = read_frames(out, "out");
  double loss = 0.0;
  for (int e = epochs - 5; e < epochs; ++e)
    for (int p = train; p < patterns; ++p) {
      const int k = e * patterns + p;
      const auto a = static_cast<std::size_t>((k * pattern_ms + lag_ms) / report_ms);
      const auto b = static_cast<std::size_t>((k + 1) * pattern_ms / report_ms);
      double sum = 0.0;
      for (std::size_t i = a; i < b; ++i) sum += v_b.values[i];
      loss += std::pow(sum / static_cast<double>(b - a) - tgt[static_cast<std::size_t>(k)], 2);
    }
  return loss / (5.0 * validation);
}

TEST(sal_microcircuit_slow, sal_feedback_aligns_and_learns_like_backprop_where_random_feedback_fails) {
  const auto dir = scratch_dir("mc_slow");
  const std::string cmd = "/usr/bin/python3 -B '" + source_path("examples/sal_microcircuit.py") +
                          "' --spikeq '" + SPIKEQ_BINARY + "' --epochs 40 --seed 3 --name mc --out '" +
                          dir.string() + "' 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const double sal = final_loss(dir, "mc"), bp = final_loss(dir, "mc_bp"), fa = final_loss(dir, "mc_fa");
  const auto b = read_frames(dir / "mc.h5", "out_hid").values;
  const auto w = read_frames(dir / "mc.h5", "hid_out").values;
  EXPECT_LT(b.front() * w.back(), 0.0);  // B12 starts with the sign opposite to the learned W21
  EXPECT_GT(b.back() * w.back(), 0.0);   // and ends with its sign
  EXPECT_LT(sal, 3.0 * bp) << "SAL " << sal << ", BP " << bp;
  EXPECT_GT(fa, 10.0 * sal) << "FA " << fa << ", SAL " << sal;
}

}  // namespace
}  // namespace spikeq::testing
