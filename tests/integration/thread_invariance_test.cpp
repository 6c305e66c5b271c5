// Runs are bit-identical whatever the thread count (issue 8; docs/architecture.md,
// "Shards and windows"): the same network and seed give byte-identical /spikes,
// /edges, /report and /weight_events with 1 to 7 threads, for every model, source,
// stimulus, rule and recording, including shards that own no neurons, a network
// without projections and a minimum delay of one tick.
#include "tests/integration/thread_invariance.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

TEST(thread_invariance, every_model_rule_and_recording_for_1_2_3_4_and_7_threads) {
  EXPECT_TRUE(outputs_identical_for_threads("mixed", source_path("tests/data/threads/mixed.textproto"), "",
                                            {1, 2, 3, 4, 7}));
}

TEST(thread_invariance, network_without_projections) {
  EXPECT_TRUE(outputs_identical_for_threads(
      "noproj", source_path("tests/data/threads/no_projections.textproto"), "", {1, 2, 5}));
}

TEST(thread_invariance, minimum_delay_equal_to_the_resolution) {
  EXPECT_TRUE(outputs_identical_for_threads(
      "dmin", source_path("tests/data/threads/delay_equals_resolution.textproto"), "", {1, 2, 3}));
}

TEST(thread_invariance, more_threads_than_neurons) {
  // 23 threads for populations of 3 to 13 neurons: most shards own nothing.
  EXPECT_TRUE(outputs_identical_for_threads(
      "many", source_path("tests/data/threads/no_projections.textproto"), "", {1, 23}));
}

TEST(thread_invariance, staged_input_of_large_slices) {
  // One thread stages the input of the 70,000-neuron slice; two and three threads
  // cut it into slices that add input on arrival.
  EXPECT_TRUE(outputs_identical_for_threads(
      "large_sparse", source_path("tests/data/threads/large_sparse.textproto"), "", {1, 2, 3}));
}

TEST(thread_invariance, stepping_ahead_of_large_slices) {
  // One thread's slices of 66,000 and 70,000 neurons propagate each step ahead of
  // its input (population::allow_step_ahead); two and three threads' slices step
  // one step at a time.
  EXPECT_TRUE(outputs_identical_for_threads(
      "stepping_ahead", source_path("tests/data/threads/large_stepping_ahead.textproto"), "", {1, 2, 3}));
}

TEST(thread_invariance, default_example) {
  EXPECT_TRUE(outputs_identical_for_threads("default", source_path("examples/default.textproto"),
                                            "--t-stop 500", {1, 2, 4}));
}

TEST(thread_invariance, polychronization_network_10_s) {
  // spnet's once-a-second update on each shard's synapses, axonal delays, random
  // thalamic input drawn identically by every shard.
  EXPECT_TRUE(outputs_identical_for_threads("poly", source_path("examples/polychronization.textproto"),
                                            "--t-stop 10000", {1, 2, 4}));
}

TEST(thread_invariance, distal_reward_60_s) {
  // Dopamine STDP integrated lazily across the releases of a reward contingency
  // (the first reward of seed 1 comes at 48 s), noise currents on every neuron.
  EXPECT_TRUE(outputs_identical_for_threads("distal", source_path("examples/distal_reward.textproto"),
                                            "--t-stop 60000", {1, 2}));
}

TEST(thread_invariance, reservoir_prediction_10_trials) {
  // Izhikevich reservoir with 150 ms conduction delays (the kernel window is the
  // 1 ms minimum delay), a trial protocol with gated online and offline readout
  // learning, FORCE (RLS) readouts and a reset of the network between trials.
  EXPECT_TRUE(outputs_identical_for_threads(
      "reservoir", source_path("examples/reservoir_prediction.textproto"), "--t-stop 15500", {1, 3}));
}

TEST(thread_invariance, sal_layer_alignment_20_s) {
  // Stochastic glm_sampling neurons (counter-based streams per neuron), SAL on the
  // feedback projection in its own frame (postsynaptic spikes presented after the
  // synaptic delay), accumulated changes applied every period, alignment metrics.
  EXPECT_TRUE(outputs_identical_for_threads(
      "sal_layers", source_path("examples/sal_layer_alignment.textproto"), "--t-stop 20000", {1, 2, 3}));
}

TEST(thread_invariance, sal_reciprocal_pair_with_learning_phases) {
  EXPECT_TRUE(outputs_identical_for_threads("sal_phases", source_path("tests/data/sal/phases.textproto"), "",
                                            {1, 2}));
}

TEST(thread_invariance, neural_sampling_example) {
  // Three coupled glm_sampling neurons without plasticity: only the per-neuron spike streams.
  EXPECT_TRUE(outputs_identical_for_threads(
      "neural_sampling", source_path("examples/neural_sampling.textproto"), "--t-stop 1000", {1, 2}));
}

TEST(thread_invariance, zero_threads_means_every_core) {
  const auto dir = scratch_dir("threads_zero");
  const auto r = run_spikeq("run '" + source_path("tests/data/threads/no_projections.textproto") + "' -o '" +
                                (dir / "out.h5").string() + "' --threads 0 --stats",
                            dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("threads: " + std::to_string(std::max(1u, std::thread::hardware_concurrency()))),
            std::string::npos)
      << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
