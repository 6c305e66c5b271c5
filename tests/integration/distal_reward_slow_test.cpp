// Izhikevich 2007 "Solving the distal reward problem through linkage of STDP and
// dopamine signaling" (Cereb. Cortex 17:2443), Fig. 1, as
// examples/distal_reward.textproto (rules.md §5.2, test T-3F-1), in reduced form:
// 30 min of model time instead of his hour (bench/distal_reward.py runs the hour).
//
// Expectations and where they come from:
//  - the reinforced synapse (exc 0 -> exc 1, starting at 0) grows to the maximum
//    s_max = 4 (the paper's Fig. 1: it reaches the maximum within the hour).
//    Measured here (1 h): 0.9 s_max first reached at 530 s (seed 1) and 2089 s
//    (seed 2), 3.99 and 3.78 at the end; the target's weight is in the top 1.1 %
//    and 1.4 % of the excitatory weights;
//  - the other excitatory weights stay low: they start at 1 and the paper shows them
//    small. Measured (1 h): mean 0.87 and 0.63 with rewards, 0.17 without (seed 1);
//  - the no-reward control (the same network and seed, contingency disabled: the
//    would-be rewards are marked with amount 0) keeps the target low: measured 0.05.
// Thresholds (seed 1, 30 min: three times the time seed 1 needs): target >= 0.9
// s_max and above 95 % of the other excitatory weights; their mean below its
// initial 1; control target <= 0.5.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <numeric>
#include <sstream>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

struct outcome {
  double target = 0.0;
  double mean_other = 0.0;
  double fraction_other_below_target = 0.0;
  std::size_t rewards = 0;
  std::size_t contingent_events = 0;
};

outcome run_distal_reward(const std::filesystem::path& dir, const std::string& network,
                          const std::string& name) {
  const auto out = dir / (name + ".h5");
  const auto r = run_spikeq("run '" + network + "' -o '" + out.string() + "' --t-stop 1800000 -q", dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  io::hdf5_reader file(out);
  outcome o;
  o.target = file.read_doubles("/edges/reinforced/0/syn_weight").at(0);
  const auto w = file.read_doubles("/edges/exc_to_all.exc/0/syn_weight");
  o.mean_other = std::accumulate(w.begin(), w.end(), 0.0) / static_cast<double>(w.size());
  o.fraction_other_below_target =
      static_cast<double>(std::count_if(w.begin(), w.end(), [&](double x) { return x < o.target; })) /
      static_cast<double>(w.size());
  const auto amounts = file.read_doubles("/neuromodulators/dopamine/release_amounts");
  o.contingent_events = amounts.size();
  o.rewards =
      static_cast<std::size_t>(std::count_if(amounts.begin(), amounts.end(), [](double a) { return a > 0; }));
  return o;
}

TEST(distal_reward, reinforced_synapse_grows_to_the_maximum_and_the_control_stays_low) {
  const auto dir = scratch_dir("distal_reward");
  const std::string example = source_path("examples/distal_reward.textproto");
  std::ifstream in(example);
  std::stringstream text;
  text << in.rdbuf();
  const std::string control_text =
      replace_all(text.str(), "\n    amount: 0.5\n", "\n    amount: 0.5\n    disabled: true\n");
  ASSERT_NE(control_text, text.str());
  const auto control = dir / "control.textproto";
  std::ofstream(control) << control_text;

  const outcome rewarded = run_distal_reward(dir, example, "reward");
  EXPECT_GE(rewarded.target, 0.9 * 4.0);
  EXPECT_GT(rewarded.fraction_other_below_target, 0.95);
  EXPECT_LT(rewarded.mean_other, 1.0);
  EXPECT_GT(rewarded.rewards, 20u);
  EXPECT_EQ(rewarded.rewards, rewarded.contingent_events);

  const outcome unrewarded = run_distal_reward(dir, control.string(), "control");
  EXPECT_LE(unrewarded.target, 0.5);
  EXPECT_EQ(unrewarded.rewards, 0u);
  EXPECT_GT(unrewarded.contingent_events, 0u) << "the control must still meet the contingency";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
