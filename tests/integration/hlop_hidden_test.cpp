// A spiking hidden layer trained by direct feedback alignment, with HLOP on both
// layers, through the command line (plasticity/feedback_alignment.hpp;
// docs/models/hlop.md "Hidden layer"): 16 Poisson pixels -> 8 LIF -> 4 linear
// readouts on two permuted tasks of synthetic images. The hidden weights move, the
// run is byte-identical for 1, 2 and 3 threads (the readout's errors cross shards
// only through the window barrier) and across a checkpoint taken on 2 threads and
// resumed on 1, and bad settings are exit 2 naming the field.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/checkpoint_support.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/thread_invariance.hpp"
#include "tests/io/idx_test_files.hpp"

namespace spikeq::testing {
namespace {

constexpr int pixels = 16, classes = 4, samples = 96;
constexpr double trial_ms = 150;

// Four prototype images, each sample a scaled copy (fixed data, not the simulation's
// randomness).
void write_images(const std::filesystem::path& dir) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> intensity(0, 255);
  std::uniform_real_distribution<double> scale(0.7, 1.0);
  std::vector<std::vector<double>> prototype(classes, std::vector<double>(pixels));
  for (auto& p : prototype)
    for (auto& v : p) v = intensity(rng);
  std::vector<std::vector<std::uint8_t>> images;
  std::vector<std::uint8_t> labels;
  for (int i = 0; i < samples; ++i) {
    const double a = scale(rng);
    std::vector<std::uint8_t> im(pixels);
    for (int p = 0; p < pixels; ++p)
      im[p] = static_cast<std::uint8_t>(std::lround(a * prototype[i % classes][p]));
    images.push_back(im);
    labels.push_back(static_cast<std::uint8_t>(i % classes));
  }
  write_image_set(dir, 4, 4, images, labels);
}

constexpr int evaluation = 16;
constexpr double t_stop = (2 * samples + 3 * evaluation) * trial_ms;

std::string network(const std::string& hidden_rule, const std::string& readout_hlop) {
  return fmt::format(R"(simulation {{ resolution: 0.1 t_stop: {} seed: 5 }}
population {{ name: "pixels" size: 16 image_dataset {{
  images: "images.idx" labels: "labels.idx" test_images: "images.idx" test_labels: "labels.idx"
  max_rate: 200 presentation: 100 blank: 50 split: PERMUTED tasks: 2 samples_per_task: {}
  test_samples_per_task: {} readout: "readout" }} }}
population {{ name: "hidden" size: 32 iaf_psc_delta {{ I_e: 300 }} }}
population {{ name: "readout" size: 4 linear_readout {{ tau: 50 }} }}
projection {{ name: "pixels_to_hidden" source: "pixels" target: "hidden" all_to_all {{}}
  weight {{ normal {{ mean: 0 std: 2 }} }} receptor_type: EXCITATORY delay {{ constant: 1 }}
  plasticity {{ {} }} }}
projection {{ name: "hidden_to_readout" source: "hidden" target: "readout" all_to_all {{}}
  weight {{ constant: 0 }} delay {{ constant: 1 }}
  plasticity {{ error_modulated_hebbian {{ eta: 1e-4 mode: OFFLINE {} }} }} }}
)",
                     t_stop, samples, evaluation, hidden_rule, readout_hlop);
}

const std::string hidden_rule =
    "feedback_alignment { readout: \"readout\" eta: 2e-4 rate_max: 150 "
    "hlop { lateral_neurons: 3 lateral_neurons_per_task: 3 trace_scale: 0.005 learning_rate: 0.1 batch_size: "
    "8 } }";
const std::string readout_hlop =
    "hlop { lateral_neurons: 2 lateral_neurons_per_task: 2 trace_scale: 0.2 learning_rate: 0.1 batch_size: 8 "
    "}";

std::filesystem::path prepare(const std::string& name, const std::string& text) {
  const auto dir = scratch_dir(name);
  write_images(dir);
  const auto net = dir / "net.textproto";
  write_text(net, text);
  return net;
}

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

TEST(hlop_hidden, bytes_identical_for_1_2_and_3_threads) {
  const auto net =
      prepare("hlop_hidden_threads", network(hidden_rule, readout_hlop) +
                                         "recording { spikes { population: \"hidden\" } "
                                         "weights { projection: \"pixels_to_hidden\" events: true } "
                                         "weights { projection: \"hidden_to_readout\" } }\n");
  EXPECT_TRUE(outputs_identical_for_threads("hlop_hidden", net.string(), "", {1, 2, 3}));
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
