// The dendritic microcircuit (glm_pyramidal neurons owned by one shard, weight ties
// refreshed between windows, SAL and dendritic prediction rules) gives the same bytes
// for 1, 2 and 3 threads.
#include <gtest/gtest.h>

#include "tests/integration/cli_runner.hpp"
#include "tests/integration/thread_invariance.hpp"

namespace spikeq::testing {
namespace {

// The example with its symmetrization phase moved to the second pattern, so that
// 50 s (windows of 1 ms) cover forward learning, SAL and the ties in both phases.
std::string shortened(const std::string& example, const std::string& name) {
  const auto dir = scratch_dir(name);
  const auto path = dir / "net.textproto";
  std::string text = read_text(source_path("examples/" + example));
  text = replace_all(text, "start: 300000\n    stop: 400000", "start: 20000\n    stop: 40000");
  write_text(path, text);
  return path.string();
}

TEST(sal_microcircuit_threads, sal_feedback_is_thread_count_invariant) {
  EXPECT_TRUE(outputs_identical_for_threads("mc_sal", shortened("sal_microcircuit.textproto", "mc_sal_short"),
                                            "--t-stop 50000", {1, 2, 3}));
}

TEST(sal_microcircuit_threads, copy_backprop_ties_are_thread_count_invariant) {
  EXPECT_TRUE(outputs_identical_for_threads(
      "mc_bp", shortened("sal_microcircuit_bp.textproto", "mc_bp_short"), "--t-stop 50000", {1, 2}));
}

}  // namespace
}  // namespace spikeq::testing
