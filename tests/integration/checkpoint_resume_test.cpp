// Checkpoint and resume (issue 12; docs/reliability.md): a run cut at a checkpoint
// and resumed with `spikeq resume` gives the recording of the uninterrupted run,
// byte for byte (compare_outputs.py: every dataset and attribute except the
// provenance of how the run was started), whatever the thread counts of the two
// parts, also when the resumed run goes further than the checkpointed one was
// going to and after the checkpointed run was killed with SIGKILL. A damaged or
// foreign checkpoint is refused with exit 2.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/checkpoint_support.hpp"
#include "tests/integration/cli_runner.hpp"

namespace spikeq::testing {
namespace {

namespace fs = std::filesystem;

std::string derived_network(const std::string& name, const std::string& example,
                            const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text = read_text(source_path(example));
  for (const auto& [from, to] : edits) text = replace_all(text, from, to);
  const fs::path dir = fs::temp_directory_path() / ("spikeq_ckpt_nets_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / (name + ".textproto");
  write_text(path, text);
  return path.string();
}

TEST(checkpoint_resume, every_model_rule_and_recording_from_three_shards_resumed_on_two_threads) {
  EXPECT_TRUE(resumed_equals_uninterrupted("mixed", source_path("tests/data/threads/mixed.textproto"),
                                           {150, 170, 400, 3, 2}));
}

TEST(checkpoint_resume, default_example_from_two_shards_resumed_on_one_thread) {
  EXPECT_TRUE(resumed_equals_uninterrupted("default", source_path("examples/default.textproto"),
                                           {250, 300, 600, 2, 1}));
}

TEST(checkpoint_resume, staged_input_saved_on_one_thread_resumed_on_two) {
  // One thread stages the 70,000-neuron slice's input and reads only the targets of
  // the inhibitory projection (one shared weight); the checkpoint holds the staged
  // input as sums, and two threads resume with slices that add it on arrival.
  EXPECT_TRUE(resumed_equals_uninterrupted(
      "large_sparse", source_path("tests/data/threads/large_sparse.textproto"), {40, 50, 100, 1, 2}));
}

TEST(checkpoint_resume, large_slices_step_ahead_again_after_resuming) {
  // A run with checkpoints steps one step at a time; the reference run and the
  // resumed one (no checkpoints) let their large slices step ahead
  // (population::allow_step_ahead).
  EXPECT_TRUE(resumed_equals_uninterrupted("stepping_ahead",
                                           source_path("tests/data/threads/large_stepping_ahead.textproto"),
                                           {40, 50, 150, 1, 1}));
}

TEST(checkpoint_resume, polychronization_between_two_spnet_updates) {
  // spnet's derivatives accumulate for a second and are applied at whole seconds:
  // the checkpoint at 1.5 s holds half a second of them.
  EXPECT_TRUE(resumed_equals_uninterrupted("poly", source_path("examples/polychronization.textproto"),
                                           {1500, 1600, 2500, 1, 2}));
}

TEST(checkpoint_resume, dopamine_stdp_with_rewards_pending_at_the_checkpoint) {
  // distal_reward with a wide reward window and short reward delays, so rewards are
  // frequent and some are pending (drawn, not yet released) at the checkpoint.
  const std::string net =
      derived_network("distal", "examples/distal_reward.textproto",
                      {{"window: 20", "window: 1000"},
                       {"delay_min: 1001", "delay_min: 50"},
                       {"delay_max: 3000", "delay_max: 400"},
                       {"spikes { population: \"exc\" neurons: [0, 1] }", "spikes { population: \"exc\" }"}});
  EXPECT_TRUE(resumed_equals_uninterrupted("distal", net, {1500, 1700, 3000, 2, 1}));
}

TEST(checkpoint_resume, reservoir_readouts_in_the_middle_of_a_trial) {
  // Trials of 1550 ms: the checkpoint at 2400 ms falls in the second trial, with the
  // readouts' online traces and offline stored traces mid-way. The trial protocol is
  // laid out up to t_stop, so the checkpointed run has the same t_stop (a shorter
  // run would be another experiment after its last whole trial).
  EXPECT_TRUE(resumed_equals_uninterrupted(
      "reservoir", source_path("examples/reservoir_prediction.textproto"), {2400, 4650, 4650, 1, 2}));
}

TEST(checkpoint_resume, sal_layers_with_accumulated_changes_and_alignment) {
  EXPECT_TRUE(resumed_equals_uninterrupted(
      "sal_layers", source_path("examples/sal_layer_alignment.textproto"), {1000, 1100, 3000, 2, 2}));
}

TEST(checkpoint_resume, sal_learning_phases) {
  EXPECT_TRUE(resumed_equals_uninterrupted("sal_phases", source_path("tests/data/sal/phases.textproto"),
                                           {1600, 3000, 3000, 1, 1}));
}

TEST(checkpoint_resume, sampling_network_with_sleep_phase_hebbian_biases) {
  EXPECT_TRUE(resumed_equals_uninterrupted("sal_boltzmann", source_path("examples/sal_boltzmann.textproto"),
                                           {7000, 7500, 15000, 2, 1}));
}

TEST(checkpoint_resume, image_dataset_between_samples_and_tasks) {
  EXPECT_TRUE(resumed_equals_uninterrupted("images", source_path("examples/image_dataset.textproto"),
                                           {2000, 2100, 4000, 1, 2}));
}

TEST(checkpoint_resume, after_sigkill_resume_gives_the_uninterrupted_recording) {
  const fs::path dir = scratch_dir("ckpt_kill");
  const std::string net = "'" + source_path("examples/polychronization.textproto") + "'";
  const fs::path reference = dir / "reference.h5", out = dir / "out.h5",
                 checkpoint = dir / "out.h5.checkpoint";
  ASSERT_EQ(run_spikeq("run " + net + " -o '" + reference.string() + "' -q --t-stop 20000", dir).exit_code,
            0);
  // Killed once the first checkpoint exists, long before the end.
  write_text(dir / "kill.sh", "'" + std::string(SPIKEQ_BINARY) + "' run " + net + " -o '" + out.string() +
                                  "' -q --t-stop 20000 --checkpoint-every 500 &\n"
                                  "pid=$!\n"
                                  "for i in $(seq 1 2000); do [ -e '" +
                                  checkpoint.string() +
                                  "' ] && break; sleep 0.01; done\n"
                                  "kill -9 $pid\n"
                                  "wait $pid\n"
                                  "echo $? > '" +
                                  (dir / "status.txt").string() + "'\n");
  ASSERT_EQ(std::system(("bash '" + (dir / "kill.sh").string() + "'").c_str()), 0);
  ASSERT_EQ(read_text(dir / "status.txt"), "137\n") << "the run was not killed (it ended first?)";
  EXPECT_FALSE(fs::exists(out)) << "a killed run must not leave the final output";
  const auto r = run_spikeq("resume '" + checkpoint.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(identical(reference, out, dir));
}

// --- Refusals: exit 2 with a message, no output written ---

class checkpoint_refusal : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch_dir("ckpt_refusal");
    const auto r = run_spikeq("run '" + source_path("tests/data/threads/mixed.textproto") + "' -o '" +
                                  (dir_ / "part.h5").string() + "' -q --t-stop 200 --checkpoint-every 100",
                              dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    checkpoint_ = dir_ / "part.h5.checkpoint";
    ASSERT_TRUE(fs::exists(checkpoint_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Resuming `checkpoint` with `args` exits 2 naming `expected`, and writes nothing.
  ::testing::AssertionResult refused(const fs::path& checkpoint, const std::string& args,
                                     const std::string& expected) {
    const fs::path out = dir_ / "resumed.h5";
    const auto r = run_spikeq("resume '" + checkpoint.string() + "' -o '" + out.string() + "' " + args, dir_);
    if (r.exit_code != 2) return ::testing::AssertionFailure() << "exit " << r.exit_code << ": " << r.err;
    if (r.err.find(expected) == std::string::npos)
      return ::testing::AssertionFailure() << "the message lacks '" << expected << "': " << r.err;
    if (fs::exists(out)) return ::testing::AssertionFailure() << "an output was written";
    return ::testing::AssertionSuccess();
  }

  fs::path dir_, checkpoint_;
};

TEST_F(checkpoint_refusal, a_flipped_byte_is_damage) {
  std::string bytes = read_text(checkpoint_);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
  write_text(dir_ / "flipped.checkpoint", bytes);
  EXPECT_TRUE(refused(dir_ / "flipped.checkpoint", "", "damaged"));
}

TEST_F(checkpoint_refusal, a_truncated_checkpoint) {
  const std::string bytes = read_text(checkpoint_);
  write_text(dir_ / "short.checkpoint", bytes.substr(0, bytes.size() / 3));
  EXPECT_TRUE(refused(dir_ / "short.checkpoint", "", "truncated"));
}

TEST_F(checkpoint_refusal, a_file_that_is_no_checkpoint) {
  EXPECT_TRUE(refused(source_path("tests/data/threads/mixed.textproto"), "", "not a spikeq checkpoint"));
}

TEST_F(checkpoint_refusal, another_network) {
  EXPECT_TRUE(refused(checkpoint_, "--network '" + source_path("examples/default.textproto") + "'",
                      "not the network the checkpoint"));
}

TEST_F(checkpoint_refusal, the_same_network_with_another_seed) {
  const std::string other =
      replace_all(read_text(source_path("tests/data/threads/mixed.textproto")), "seed: ", "seed: 9");
  write_text(dir_ / "reseeded.textproto", other);
  EXPECT_TRUE(refused(checkpoint_, "--network '" + (dir_ / "reseeded.textproto").string() + "'",
                      "not the network the checkpoint"));
}

TEST_F(checkpoint_refusal, a_stop_time_before_the_checkpoint) {
  EXPECT_TRUE(refused(checkpoint_, "--t-stop 50", "before the checkpoint"));
}

TEST_F(checkpoint_refusal, the_same_network_passes_the_check) {
  const fs::path out = dir_ / "resumed.h5";
  const auto r = run_spikeq("resume '" + checkpoint_.string() + "' -o '" + out.string() + "' -q --network '" +
                                source_path("tests/data/threads/mixed.textproto") + "' --t-stop 200",
                            dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out));
}

TEST(checkpoint_options, a_live_run_cannot_be_checkpointed) {
  const fs::path dir = scratch_dir("ckpt_live");
  const auto r = run_spikeq("run '" + source_path("examples/live_raster.textproto") + "' -o '" +
                                (dir / "o.h5").string() + "' --serve 127.0.0.1:0 --checkpoint-every 100",
                            dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot be checkpointed"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
