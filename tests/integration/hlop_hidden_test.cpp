// A spiking hidden layer trained by direct feedback alignment, with HLOP on both
// layers, through the command line (plasticity/feedback_alignment.hpp;
// docs/models/hlop.md "Hidden layer"): 16 Poisson pixels -> 32 LIF -> 4 linear
// readouts on two permuted tasks of synthetic images (hlop_hidden_network.hpp). The
// hidden weights move, the run is byte-identical across a checkpoint taken on 2
// threads and resumed on 1, and bad settings are exit 2 naming the field. Thread
// invariance: hlop_hidden_threads_test.cpp (label threads, also under TSan).
#include <gtest/gtest.h>

#include <cmath>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/checkpoint_support.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/hlop_hidden_network.hpp"

namespace spikeq::testing {
namespace {

using namespace hlop_hidden_network;  // NOLINT(google-build-using-namespace): the tests' shared network

TEST(hlop_hidden, hidden_weights_learn_and_evaluation_is_recorded) {
  const auto net =
      prepare("hlop_hidden_learn", network(hidden_rule, readout_hlop) +
                                       "recording { weights { projection: \"pixels_to_hidden\" } }\n");
  const auto out = net.parent_path() / "out.h5";
  const auto r = run_spikeq("run '" + net.string() + "' -o '" + out.string() + "' -q", net.parent_path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::hdf5_reader f(out);
  const auto w = f.read_doubles("/edges/pixels_to_hidden/0/syn_weight");
  const auto w0 = f.read_doubles("/edges/pixels_to_hidden/0/initial_syn_weight");
  ASSERT_EQ(w.size(), 512u);
  double moved = 0, size = 0;
  for (std::size_t e = 0; e < w.size(); ++e) {
    moved += (w[e] - w0[e]) * (w[e] - w0[e]);
    size += w0[e] * w0[e];
  }
  std::printf("hidden weights moved by %.3f of their initial norm\n", std::sqrt(moved / size));
  EXPECT_GT(moved, 1e-4 * size) << "feedback alignment changed the hidden weights";
  const auto acc = f.read_doubles("/continual_learning/accuracy");
  ASSERT_EQ(acc.size(), 4u);
  std::printf("accuracy after task 0: %.3f; after task 1: %.3f %.3f\n", acc[0], acc[2], acc[3]);
  EXPECT_GE(acc[3], 0.5) << "four prototypes are learned through the hidden layer (chance 0.25)";
}

TEST(hlop_hidden, resumed_run_equals_the_uninterrupted_one) {
  // The checkpoint at 4.5 s falls in task 0 (sample 30: counts of one sample waiting
  // for their error, lateral batches half full).
  const auto net = prepare("hlop_hidden_resume_net", network(hidden_rule, readout_hlop));
  EXPECT_TRUE(resumed_equals_uninterrupted("hlop_hidden", net.string(), {4500, 4600, t_stop, 2, 1}));
}

TEST(hlop_hidden, bad_settings_are_exit_2_naming_the_field) {
  const auto net = prepare("hlop_hidden_bad", "");
  const auto run = [&](const std::string& text) {
    write_text(net, text);
    return run_spikeq("validate '" + net.string() + "'", net.parent_path());
  };
  auto r = run(network(replace_all(hidden_rule, "readout: \"readout\"", "readout: \"hidden\""), ""));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'hidden' is not a linear_readout"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("net.textproto:"), std::string::npos) << r.err;
  // Without a rule on the readout, no errors are published.
  std::string untrained = network(hidden_rule, "");
  untrained =
      replace_all(untrained, "error_modulated_hebbian { eta: 1e-4 mode: OFFLINE  }", "static_synapse {}");
  r = run(untrained);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("publishes no errors"), std::string::npos) << r.err;
  // HLOP reads one presynaptic rate per source: one delay.
  r = run(replace_all(network(hidden_rule, ""), "delay { constant: 1 }\n  plasticity { feedback",
                      "delay { uniform { low: 1 high: 2 } }\n  plasticity { feedback"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("one delay"), std::string::npos) << r.err;
  // 9 + 9 lateral neurons over 2 tasks exceed the 16 pixels.
  r = run(network(replace_all(hidden_rule, "lateral_neurons: 3 lateral_neurons_per_task: 3",
                              "lateral_neurons: 9 lateral_neurons_per_task: 9"),
                  ""));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exceed the 16 presynaptic neurons"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace spikeq::testing
