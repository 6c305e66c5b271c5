// HLOP on the error-modulated readout rule through the command line (rules.md §4.4,
// T-HLOP-3 at network level; docs/models/hlop.md): two permuted tasks of synthetic
// 4 x 4 images whose pixels lie in a 4-dimensional subspace (one prototype per
// class). With HLOP the change of the weights during task 1, applied to task 0's
// images, is a small fraction of task 0's responses (its lateral rows span task 0's
// traces and the rule's changes are projected off them); without it the same
// training moves those responses by a large fraction. Task 1 is learned either way.
// Also: the run is byte-identical for 1 and 2 threads and across a checkpoint, and
// bad HLOP settings are exit 2 naming the field.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/checkpoint_support.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/thread_invariance.hpp"
#include "tests/io/idx_test_files.hpp"

namespace spikeq::testing {
namespace {

constexpr int pixels = 16, classes = 4, per_class = 64, samples = classes * per_class;
constexpr double trial_ms = 400, max_rate_hz = 1000, tau_ms = 50;

struct image_set {
  std::vector<std::vector<std::uint8_t>> images;
  std::vector<std::uint8_t> labels;
};

// Image i of class c = prototype c scaled by a factor in [0.7, 1]: the images span
// exactly the 4 prototypes' directions.
image_set write_prototype_images(const std::filesystem::path& dir) {
  std::mt19937 rng(5);  // fixed data, not the simulation's randomness
  std::uniform_int_distribution<int> intensity(0, 255);
  std::uniform_real_distribution<double> scale(0.7, 1.0);
  std::vector<std::vector<double>> prototype(classes, std::vector<double>(pixels));
  for (auto& p : prototype)
    for (auto& v : p) v = intensity(rng);
  image_set set;
  for (int i = 0; i < samples; ++i) {
    const int c = i % classes;
    const double a = scale(rng);
    std::vector<std::uint8_t> im(pixels);
    for (int p = 0; p < pixels; ++p) im[p] = static_cast<std::uint8_t>(std::lround(a * prototype[c][p]));
    set.images.push_back(im);
    set.labels.push_back(static_cast<std::uint8_t>(c));
  }
  write_image_set(dir, 4, 4, set.images, set.labels);
  return set;
}

// `evaluation`: evaluation samples per task after each task (the training images
// serve as the test set).
std::string network(double t_stop, const std::string& hlop, int evaluation = 0) {
  const std::string test = evaluation > 0 ? fmt::format(R"(test_images: "images.idx" test_labels: "labels.idx"
  test_samples_per_task: {})",
                                                        evaluation)
                                          : "";
  return fmt::format(R"(simulation {{ resolution: 0.1 t_stop: {} seed: 3 }}
population {{ name: "pixels" size: 16 image_dataset {{
  images: "images.idx" labels: "labels.idx" max_rate: {} presentation: 300 blank: 100
  split: PERMUTED tasks: 2 samples_per_task: {} readout: "readout" {} }} }}
population {{ name: "readout" size: 4 linear_readout {{ tau: {} }} }}
projection {{ name: "w" source: "pixels" target: "readout" all_to_all {{}}
  weight {{ constant: 0 }} delay {{ constant: 1 }}
  plasticity {{ error_modulated_hebbian {{ eta: 7e-8 mode: OFFLINE {} }} }} }}
)",
                     t_stop, max_rate_hz, samples, test, tau_ms, hlop);
}

const std::string hlop_block =
    "hlop { lateral_neurons: 6 lateral_neurons_per_task: 6 trace_scale: 0.02 learning_rate: 0.3 "
    "batch_size: 8 }";

// W (readout x pixel) of a run's final weights.
std::vector<std::vector<double>> weight_matrix(const std::filesystem::path& file) {
  const io::hdf5_reader r(file);
  const auto w = r.read_doubles("/edges/w/0/syn_weight");
  const auto src = r.read_uint64s("/edges/w/source_node_id");
  const auto dst = r.read_uint64s("/edges/w/target_node_id");
  std::vector<std::vector<double>> m(classes, std::vector<double>(pixels, 0.0));
  for (std::size_t e = 0; e < w.size(); ++e) m.at(dst[e]).at(src[e]) = w[e];
  return m;
}

// Frobenius norm of M X over the images X (pixel vectors).
double response_norm(const std::vector<std::vector<double>>& m, const image_set& set) {
  double sum = 0.0;
  for (const auto& im : set.images)
    for (const auto& row : m) {
      double y = 0.0;
      for (int p = 0; p < pixels; ++p) y += row[p] * im[p];
      sum += y * y;
    }
  return std::sqrt(sum);
}

std::vector<std::vector<double>> difference(const std::vector<std::vector<double>>& a,
                                            const std::vector<std::vector<double>>& b) {
  auto d = a;
  for (std::size_t k = 0; k < d.size(); ++k)
    for (std::size_t p = 0; p < d[k].size(); ++p) d[k][p] -= b[k][p];
  return d;
}

struct interference {
  double on_task0;  // |(W_after_task1 - W_after_task0) X_0| / |W_after_task0 X_0|
  double change;    // |W_after_task1 - W_after_task0| / |W_after_task0| on all inputs
  std::string err;
};

interference measure(const std::string& name, const std::string& hlop) {
  const auto dir = scratch_dir(name);
  const image_set set = write_prototype_images(dir);
  // The run to the end of task 0 equals the full run up to there (events after
  // t_stop are not processed), so its final weights are W after task 0.
  const double task0_end = samples * trial_ms + 1, task1_end = 2 * samples * trial_ms + 1;
  interference result{};
  std::vector<std::vector<std::vector<double>>> w;
  for (const double t_stop : {task0_end, task1_end}) {
    const auto net = dir / "net.textproto";
    write_text(net, network(t_stop, hlop) + "recording { weights { projection: \"w\" } }\n");
    const auto out = dir / fmt::format("out_{}.h5", t_stop);
    const auto r = run_spikeq("run '" + net.string() + "' -o '" + out.string() + "' -q", dir);
    if (r.exit_code != 0) {
      result.err = r.err;
      return result;
    }
    w.push_back(weight_matrix(out));
  }
  const auto delta = difference(w[1], w[0]);
  result.on_task0 = response_norm(delta, set) / response_norm(w[0], set);
  double d2 = 0, w2 = 0;
  for (int k = 0; k < classes; ++k)
    for (int p = 0; p < pixels; ++p) {
      d2 += delta[k][p] * delta[k][p];
      w2 += w[0][k][p] * w[0][k][p];
    }
  result.change = std::sqrt(d2 / w2);
  return result;
}

TEST(hlop, projected_readout_learning_leaves_task0_responses_unchanged) {
  const interference with = measure("hlop_with", hlop_block);
  ASSERT_TRUE(with.err.empty()) << with.err;
  const interference without = measure("hlop_without", "");
  ASSERT_TRUE(without.err.empty()) << without.err;
  std::printf("task-0 interference: %.4f with HLOP, %.4f without; weight change %.3f / %.3f\n", with.on_task0,
              without.on_task0, with.change, without.change);
  // rules.md §4.8 T-HLOP-3: <= 1 % with an exact subspace; the lateral rows here are
  // learned from 32 batches of Poisson-noisy traces, so a few per cent remain.
  EXPECT_LT(with.on_task0, 0.05) << "with HLOP (without: " << without.on_task0 << ")";
  EXPECT_GT(without.on_task0, 0.3) << "without HLOP";
  // Task 1 still changes the weights substantially.
  EXPECT_GT(with.change, 0.3) << "without HLOP: " << without.change;
}

// Evaluation after each task: 32 samples of every task so far (rules.md §4.6).
constexpr int evaluation_samples = 32;
constexpr double evaluation_t_stop = (2 * samples + 3 * evaluation_samples) * trial_ms;

struct evaluation_run {
  std::filesystem::path dir, out;
  cli_result result;
};

evaluation_run run_with_evaluation(const std::string& name, const std::string& hlop) {
  evaluation_run e{scratch_dir(name), {}, {}};
  write_prototype_images(e.dir);
  const auto net = e.dir / "net.textproto";
  write_text(net, network(evaluation_t_stop, hlop, evaluation_samples));
  e.out = e.dir / "out.h5";
  e.result = run_spikeq("run '" + net.string() + "' -o '" + e.out.string() + "' -q", e.dir);
  return e;
}

// The stored matrix, ACC and BWT agree with the stored predictions and labels.
::testing::AssertionResult matrix_matches_predictions(const std::filesystem::path& file) {
  const io::hdf5_reader r(file);
  const auto acc = r.read_doubles("/continual_learning/accuracy");
  const auto after = r.read_uint64s("/continual_learning/after_task");
  const auto task = r.read_uint64s("/continual_learning/task");
  const auto label = r.read_uint64s("/continual_learning/label");
  const auto prediction = r.read_uint64s("/continual_learning/prediction");
  if (acc.size() != 4 || after.size() != 3 * evaluation_samples)
    return ::testing::AssertionFailure() << "shapes: " << acc.size() << " " << after.size();
  std::vector<double> correct(4, 0), shown(4, 0);
  for (std::size_t e = 0; e < after.size(); ++e) {
    shown[after[e] * 2 + task[e]] += 1;
    correct[after[e] * 2 + task[e]] += prediction[e] == label[e] ? 1 : 0;
  }
  for (const int cell : {0, 2, 3})
    if (acc[cell] != correct[cell] / shown[cell])
      return ::testing::AssertionFailure() << "cell " << cell << ": " << acc[cell];
  if (!std::isnan(acc[1])) return ::testing::AssertionFailure() << "task 1 evaluated before it was trained";
  const double expected_acc = (acc[2] + acc[3]) / 2, expected_bwt = acc[2] - acc[0];
  if (r.read_doubles("/continual_learning/ACC")[0] != expected_acc ||
      r.read_doubles("/continual_learning/BWT")[0] != expected_bwt)
    return ::testing::AssertionFailure() << "ACC or BWT differ from the matrix";
  return ::testing::AssertionSuccess();
}

TEST(hlop, evaluation_keeps_task0_with_hlop_and_forgets_it_without) {
  const auto with = run_with_evaluation("hlop_eval_with", hlop_block);
  ASSERT_EQ(with.result.exit_code, 0) << with.result.err;
  const auto without = run_with_evaluation("hlop_eval_without", "");
  ASSERT_EQ(without.result.exit_code, 0) << without.result.err;
  EXPECT_TRUE(matrix_matches_predictions(with.out));
  EXPECT_TRUE(matrix_matches_predictions(without.out));
  const auto a = io::hdf5_reader(with.out).read_doubles("/continual_learning/accuracy");
  const auto b = io::hdf5_reader(without.out).read_doubles("/continual_learning/accuracy");
  std::printf(
      "accuracy [after 0 on 0, after 1 on 0, after 1 on 1]: with HLOP %.3f %.3f %.3f, without %.3f %.3f "
      "%.3f\n",
      a[0], a[2], a[3], b[0], b[2], b[3]);
}

TEST(hlop, analyze_prints_and_plot_draws_the_accuracy_matrix) {
  const auto e = run_with_evaluation("hlop_eval_tools", hlop_block);
  ASSERT_EQ(e.result.exit_code, 0) << e.result.err;
  const auto analyzed = run_spikeq("analyze '" + e.out.string() + "'", e.dir);
  ASSERT_EQ(analyzed.exit_code, 0) << analyzed.err;
  EXPECT_NE(analyzed.out.find("continual learning (/continual_learning): 2 tasks, 96 of 96"),
            std::string::npos)
      << analyzed.out;
  EXPECT_NE(analyzed.out.find("ACC "), std::string::npos) << analyzed.out;
  const auto png = e.dir / "accuracy.png";
  const auto plotted = run_spikeq("plot '" + e.out.string() + "' --accuracy '" + png.string() + "'", e.dir);
  ASSERT_EQ(plotted.exit_code, 0) << plotted.err;
  EXPECT_GT(std::filesystem::file_size(png), 1000u);
  const std::string python = "/usr/bin/python3 -B '" +
                             source_path("tests/integration/check_continual_learning.py") + "' '" +
                             source_path("") + "' '" + e.out.string() + "'";
  EXPECT_EQ(std::system(python.c_str()), 0) << "python/spikeq_analysis.py disagrees";
}

TEST(hlop, resumed_run_equals_the_uninterrupted_one) {
  // The checkpoint at 60 s falls in task 0's training (lateral rows learning, a batch
  // half full); the cut run stops in task 1, the resumed one runs to the end.
  const auto dir = scratch_dir("hlop_resume_net");
  write_prototype_images(dir);
  const auto net = dir / "net.textproto";
  write_text(net, network(evaluation_t_stop, hlop_block, evaluation_samples));
  EXPECT_TRUE(resumed_equals_uninterrupted("hlop", net.string(), {60000, 61000, evaluation_t_stop, 2, 1}));
}

TEST(hlop, joint_training_interleaves_the_tasks_and_fills_the_last_row) {
  const auto dir = scratch_dir("hlop_joint");
  write_prototype_images(dir);
  const auto net = dir / "net.textproto";
  std::string text = network((2 * samples + 2 * evaluation_samples) * trial_ms, "", evaluation_samples);
  text = replace_all(text, "readout: \"readout\"", "readout: \"readout\" joint: true");
  write_text(net, text);
  const auto out = dir / "out.h5";
  const auto r = run_spikeq("run '" + net.string() + "' -o '" + out.string() + "' -q", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const io::hdf5_reader f(out);
  const auto task = f.read_uint64s("/protocol/task");
  const auto evaluation = f.read_uint64s("/protocol/evaluation");
  // Training trials of both tasks alternate somewhere in the first half.
  std::size_t switches = 0;
  for (std::size_t k = 1; k < 2 * samples; ++k) switches += task[k] != task[k - 1] ? 1 : 0;
  EXPECT_GT(switches, 100u);
  for (std::size_t k = 0; k < task.size(); ++k) EXPECT_EQ(evaluation[k], k >= 2 * samples ? 1u : 0u);
  const auto acc = f.read_doubles("/continual_learning/accuracy");
  EXPECT_TRUE(std::isnan(acc[0]) && std::isnan(acc[1]));
  EXPECT_GE(acc[2], 0.9);
  EXPECT_GE(acc[3], 0.9);
  EXPECT_TRUE(std::isnan(f.read_doubles("/continual_learning/BWT")[0]));
}

TEST(hlop, bytes_identical_for_1_and_2_threads) {
  const auto dir = scratch_dir("hlop_threads_net");
  write_prototype_images(dir);
  const auto net = dir / "net.textproto";
  write_text(net, network(2 * samples * trial_ms * 0.6, hlop_block) +
                      "recording { state { population: \"readout\" variable: \"y\" interval: 10 } "
                      "weights { projection: \"w\" events: true } }\n");
  EXPECT_TRUE(outputs_identical_for_threads("hlop", net.string(), "", {1, 2}));
}

TEST(hlop, bad_settings_are_exit_2_naming_the_field) {
  const auto dir = scratch_dir("hlop_bad");
  write_prototype_images(dir);
  const auto net = dir / "net.textproto";
  const auto run = [&](const std::string& text) {
    write_text(net, text);
    return run_spikeq("validate '" + net.string() + "'", dir);
  };
  // 12 + 12 lateral neurons over 2 tasks exceed 16 inputs.
  auto r = run(network(1000, "hlop { lateral_neurons: 12 lateral_neurons_per_task: 12 }"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("exceed the 16 presynaptic neurons"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("net.textproto:"), std::string::npos) << r.err;
  r = run(network(1000, "hlop { momentum: 1.5 }"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("momentum"), std::string::npos) << r.err;
  // Joint training has no task boundaries to protect.
  std::string joint = network(1000, hlop_block);
  joint = replace_all(joint, "readout: \"readout\"", "readout: \"readout\" joint: true");
  r = run(joint);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("joint"), std::string::npos) << r.err;
  // A rule whose update is not error x trace has no trace to project.
  std::string rls = network(1000, hlop_block);
  rls.replace(rls.find("OFFLINE"), 7, "RLS");
  r = run(rls);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not RLS"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace spikeq::testing
