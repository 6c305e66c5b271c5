// The image_dataset population (docs/models/image_dataset.md) through the command
// line, on small 4 x 4 IDX files written here: Poisson rates proportional to pixel
// intensity, silence in the blanks, the per-task pixel permutation, class-split
// sample selection, labels as teacher signals of the readout, the presentation
// schedule in /protocol, and bad input (exit 2 naming the network field).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "io/hdf5/hdf5_reader.hpp"
#include "tests/integration/cli_runner.hpp"
#include "tests/integration/recording.hpp"
#include "tests/integration/thread_invariance.hpp"
#include "tests/io/idx_test_files.hpp"

namespace spikeq::testing {
namespace {

constexpr std::uint32_t pixels = 16;

// 16 images; image i has only pixel i lit (255); labels i mod 4.
void write_one_hot_images(const std::filesystem::path& dir) {
  std::vector<std::vector<std::uint8_t>> images;
  std::vector<std::uint8_t> labels;
  for (std::uint32_t i = 0; i < pixels; ++i) {
    std::vector<std::uint8_t> im(pixels, 0);
    im[i] = 255;
    images.push_back(im);
    labels.push_back(static_cast<std::uint8_t>(i % 4));
  }
  write_image_set(dir, 4, 4, images, labels);
}

// The pixels' spikes are recorded unless `extra` has its own recording block.
std::filesystem::path write_network(const std::filesystem::path& dir, const std::string& dataset,
                                    double t_stop, const std::string& extra = "") {
  const auto path = dir / "net.textproto";
  std::ofstream(path) << fmt::format(R"(simulation {{ resolution: 0.1 t_stop: {} seed: 11 }}
population {{ name: "pixels" size: 16 image_dataset {{ images: "images.idx" labels: "labels.idx" {} }} }}
{})",
                                     t_stop, dataset,
                                     extra.find("recording") == std::string::npos
                                         ? extra + "\nrecording { spikes { population: \"pixels\" } }\n"
                                         : extra);
  return path;
}

cli_result run(const std::filesystem::path& dir, const std::filesystem::path& net) {
  return run_spikeq("run '" + net.string() + "' -o '" + (dir / "out.h5").string() + "' -q", dir);
}

// Every pixel's spike count over 40 presentations of a gradient image (pixel p has
// intensity 17 p) against the Poisson expectation max_rate * 17p/255 * presentation
// * 40; no spike falls in a blank.
TEST(image_dataset, pixel_rates_follow_intensity_and_blanks_are_silent) {
  const auto dir = scratch_dir("dataset_rates");
  std::vector<std::uint8_t> gradient(pixels);
  for (std::uint32_t p = 0; p < pixels; ++p) gradient[p] = static_cast<std::uint8_t>(17 * p);
  write_image_set(dir, 4, 4, std::vector<std::vector<std::uint8_t>>(40, gradient),
                  std::vector<std::uint8_t>(40, 0));
  const double max_rate = 200, presentation = 250, blank = 50, start = 20;
  const auto r = run(dir, write_network(dir,
                                        fmt::format("max_rate: {} presentation: {} blank: {} start: {}",
                                                    max_rate, presentation, blank, start),
                                        start + 40 * (presentation + blank)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto spikes = read_spikes(dir / "out.h5", "pixels");
  std::vector<double> count(pixels, 0);
  for (std::size_t k = 0; k < spikes.times_ms.size(); ++k) {
    count.at(spikes.node_ids[k]) += 1;
    const double in_trial = std::fmod(spikes.times_ms[k] - start, presentation + blank);
    // Spikes sit on the first 0.1 ms tick at or after their continuous time.
    EXPECT_GT(spikes.times_ms[k], start);
    EXPECT_LE(in_trial, presentation + 0.1) << "spike in a blank at " << spikes.times_ms[k];
  }
  for (std::uint32_t p = 0; p < pixels; ++p) {
    const double expected = 40 * max_rate * (17.0 * p / 255.0) * presentation / 1000.0;
    // Poisson count: SD = sqrt(expected); 4 SD keeps a false failure among the 16
    // pixels below 1e-3 for any seed (the run itself is deterministic).
    EXPECT_NEAR(count[p], expected, 4 * std::sqrt(expected) + 1e-9) << "pixel " << p;
  }
  EXPECT_EQ(count[0], 0) << "intensity 0 never fires";
  std::filesystem::remove_all(dir);
}

// With one-hot images, the neuron that fires while image i is shown is the one
// showing pixel i: task 0 is the identity, task 1 a fixed permutation (the same
// neuron on every presentation of i, a bijection, not the identity).
TEST(image_dataset, permuted_split_permutes_pixels_per_task) {
  const auto dir = scratch_dir("dataset_permuted");
  write_one_hot_images(dir);
  const double period = 100;
  const auto r = run(dir, write_network(dir,
                                        "max_rate: 400 presentation: 100 blank: 0 split: PERMUTED tasks: 2 "
                                        "samples_per_task: 32",
                                        2 * 16 * period));
  ASSERT_NE(r.exit_code, 0) << "32 samples per task from 16 images must be bad input";
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("net.textproto:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("task 0 has only 16 samples"), std::string::npos) << r.err;

  // 16 samples per task: every image once per task, in a seeded order.
  ASSERT_EQ(run(dir, write_network(dir, "max_rate: 400 presentation: 100 blank: 0 split: PERMUTED tasks: 2",
                                   2 * 16 * period))
                .exit_code,
            0);
  io::hdf5_reader out(dir / "out.h5");
  const auto sample = out.read_uint64s("/protocol/sample");
  const auto task = out.read_uint64s("/protocol/task");
  EXPECT_EQ(out.read_uint64s("/protocol/task_start"), (std::vector<std::uint64_t>{0, 16}));
  ASSERT_EQ(sample.size(), 32u);
  const auto spikes = read_spikes(dir / "out.h5", "pixels");
  // neuron_of[t][i]: neurons that fired while task t showed image i.
  std::vector<std::vector<std::set<std::uint64_t>>> neuron_of(2,
                                                              std::vector<std::set<std::uint64_t>>(pixels));
  for (std::size_t k = 0; k < spikes.times_ms.size(); ++k) {
    const auto trial = static_cast<std::size_t>((spikes.times_ms[k] - 1e-9) / period);
    neuron_of[task.at(trial)][sample.at(trial)].insert(spikes.node_ids[k]);
  }
  std::set<std::uint64_t> image_of_task1;
  bool identity = true;
  for (std::uint32_t i = 0; i < pixels; ++i) {
    // 400 Hz x 100 ms = 40 expected spikes: P(no spike) = e^-40.
    ASSERT_EQ(neuron_of[0][i], std::set<std::uint64_t>{i}) << "task 0 is unpermuted (image " << i << ")";
    ASSERT_EQ(neuron_of[1][i].size(), 1u) << "image " << i << " lights one neuron in task 1";
    image_of_task1.insert(*neuron_of[1][i].begin());
    identity = identity && *neuron_of[1][i].begin() == i;
  }
  EXPECT_EQ(image_of_task1.size(), pixels) << "the permutation is a bijection";
  // The recorded permutation is the one the spikes show: task t's neuron p shows pixel perm[t][p].
  const auto perm = out.read_uint64s("/protocol/pixel_permutation");
  ASSERT_EQ(perm.size(), 2 * pixels);
  for (std::uint32_t p = 0; p < pixels; ++p) {
    EXPECT_EQ(perm[p], p) << "task 0 is the identity";
    EXPECT_EQ(neuron_of[1][perm[pixels + p]], std::set<std::uint64_t>{p}) << "task 1, neuron " << p;
  }
  EXPECT_FALSE(identity) << "task 1's permutation is not the identity (probability 1/16!)";
  std::filesystem::remove_all(dir);
}

// Class split: task t presents only labels {2t, 2t+1}, distinct samples, and the
// recorded sample indices carry those labels in the file (label i mod 4 of image i).
TEST(image_dataset, class_split_selects_each_tasks_classes) {
  const auto dir = scratch_dir("dataset_class_split");
  write_one_hot_images(dir);
  ASSERT_EQ(run(dir, write_network(dir, "split: CLASS_SPLIT tasks: 2 classes_per_task: 2 samples_per_task: 6",
                                   1000))
                .exit_code,
            0);
  io::hdf5_reader out(dir / "out.h5");
  const auto sample = out.read_uint64s("/protocol/sample");
  const auto label = out.read_uint64s("/protocol/label");
  const auto task = out.read_uint64s("/protocol/task");
  ASSERT_EQ(sample.size(), 12u);
  EXPECT_EQ(out.read_uint64s("/protocol/task_start"), (std::vector<std::uint64_t>{0, 6}));
  EXPECT_EQ(out.read_uint64s("/protocol/outcome"), label);
  for (std::size_t k = 0; k < sample.size(); ++k) {
    EXPECT_EQ(task[k], k / 6);
    EXPECT_EQ(label[k], sample[k] % 4) << "trial " << k;
    EXPECT_TRUE(label[k] == 2 * task[k] || label[k] == 2 * task[k] + 1) << "trial " << k;
  }
  for (std::size_t t = 0; t < 2; ++t)
    EXPECT_EQ(std::set<std::uint64_t>(sample.begin() + 6 * t, sample.begin() + 6 * (t + 1)).size(), 6u)
        << "no sample twice in task " << t;

  // 3 tasks x 2 classes need 6 classes; the labels hold 4.
  const auto r = run(dir, write_network(dir, "split: CLASS_SPLIT tasks: 3 classes_per_task: 2", 1000));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("net.textproto:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("needs 6 classes"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// The label of each trial teaches its readout neuron teacher_value during the
// presentation; every target is 0 in the blank.
TEST(image_dataset, labels_drive_the_readout_teacher) {
  const auto dir = scratch_dir("dataset_teacher");
  write_one_hot_images(dir);
  const auto net = write_network(
      dir, "presentation: 100 blank: 50 samples_per_task: 8 readout: \"out\" teacher_value: 0.5", 8 * 150,
      R"(population { name: "out" size: 4 linear_readout { tau: 20 } }
projection { source: "pixels" target: "out" all_to_all {} weight { constant: 0 } }
recording { state { population: "out" variable: "target" interval: 25 } })");
  const auto r = run(dir, net);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto label = io::hdf5_reader(dir / "out.h5").read_uint64s("/protocol/label");
  const auto frames = read_frames(dir / "out.h5", "out");
  ASSERT_EQ(frames.columns, 4u);
  for (std::size_t k = 0; k < 8; ++k) {
    const std::size_t mid = (150 * k + 50) / 25, in_blank = (150 * k + 125) / 25;  // frames every 25 ms
    for (std::size_t c = 0; c < 4; ++c) {
      EXPECT_EQ(frames.values.at(mid * 4 + c), c == label[k] ? 0.5f : 0.0f)
          << "trial " << k << " neuron " << c;
      EXPECT_EQ(frames.values.at(in_blank * 4 + c), 0.0f) << "trial " << k << " neuron " << c;
    }
  }
  std::filesystem::remove_all(dir);
}

TEST(image_dataset, malformed_files_are_bad_input_naming_file_and_field) {
  const auto dir = scratch_dir("dataset_bad");
  write_one_hot_images(dir);
  std::string images = read_text(dir / "images.idx");
  write_file(dir / "images.idx", images.substr(0, images.size() - 3));
  auto r = run(dir, write_network(dir, "", 100));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("net.textproto:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("images.idx"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out.h5")) << "no damaged output";
  images[1] = 7;
  write_file(dir / "images.idx", images);
  r = run(dir, write_network(dir, "", 100));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no IDX magic"), std::string::npos) << r.err;
  std::filesystem::remove(dir / "images.idx");
  r = run(dir, write_network(dir, "", 100));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot be opened"), std::string::npos) << r.err;
  write_one_hot_images(dir);
  std::ofstream(dir / "net.textproto") << R"(simulation { t_stop: 100 }
population { name: "pixels" size: 15 image_dataset { images: "images.idx" labels: "labels.idx" } }
)";
  r = run(dir, dir / "net.textproto");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("size must be 16"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// Evaluation trials: after training task t, test samples of every task j <= t
// (the same ones each time), flagged in /protocol/evaluation; task_start points at
// training trials only; no weight changes during evaluation trials (gate closed).
TEST(image_dataset, evaluation_after_each_task_without_learning) {
  const auto dir = scratch_dir("dataset_evaluation");
  write_one_hot_images(dir);
  const auto net = write_network(
      dir,
      "split: CLASS_SPLIT tasks: 2 classes_per_task: 2 samples_per_task: 3 presentation: 100 blank: 50 "
      "test_images: \"images.idx\" test_labels: \"labels.idx\" test_samples_per_task: 2 readout: \"out\"",
      12 * 150,
      R"(population { name: "out" size: 4 linear_readout { tau: 20 } }
projection { name: "p" source: "pixels" target: "out" all_to_all {} weight { constant: 0 } delay { constant: 1 }
  plasticity { error_modulated_hebbian { eta: 0.001 } } }
recording { weights { projection: "p" events: true } })");
  const auto r = run(dir, net);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  io::hdf5_reader out(dir / "out.h5");
  const auto evaluation = out.read_uint64s("/protocol/evaluation");
  const auto task = out.read_uint64s("/protocol/task");
  const auto sample = out.read_uint64s("/protocol/sample");
  const auto label = out.read_uint64s("/protocol/label");
  // 3 training (task 0), 2 test (task 0), 3 training (task 1), 2 + 2 test (tasks 0, 1).
  EXPECT_EQ(evaluation, (std::vector<std::uint64_t>{0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1}));
  EXPECT_EQ(task, (std::vector<std::uint64_t>{0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1}));
  EXPECT_EQ(out.read_uint64s("/protocol/task_start"), (std::vector<std::uint64_t>{0, 5}));
  ASSERT_EQ(sample.size(), 12u);
  EXPECT_EQ(sample[3], sample[8]);
  EXPECT_EQ(sample[4], sample[9]);
  for (std::size_t k = 0; k < 12; ++k) EXPECT_EQ(label[k] / 2, task[k]) << "trial " << k;
  const auto times = out.read_doubles("/weight_events/p/timestamps");
  ASSERT_FALSE(times.empty()) << "training trials learn";
  for (const double t : times) {
    const auto trial = static_cast<std::size_t>(t / 150);
    EXPECT_EQ(evaluation.at(std::min<std::size_t>(trial, 11)), 0u) << "weight change at " << t << " ms";
  }
  std::filesystem::remove_all(dir);
}

// Without Debian's dataset-fashion-mnist (simulated by a `dpkg` that lists nothing,
// first on PATH), the default data set is bad input naming the package.
TEST(image_dataset, missing_package_is_bad_input_naming_it) {
  const auto dir = scratch_dir("dataset_no_package");
  std::filesystem::create_directories(dir / "bin");
  std::ofstream(dir / "bin" / "dpkg") << "#!/bin/sh\nexit 1\n";
  std::filesystem::permissions(dir / "bin" / "dpkg", std::filesystem::perms::owner_all);
  std::ofstream(dir / "net.textproto") << R"(simulation { t_stop: 10 }
population { name: "p" size: 784 image_dataset { set: TEST } }
)";
  const std::string path = std::getenv("PATH") == nullptr ? "" : std::getenv("PATH");
  ::setenv("PATH", ((dir / "bin").string() + ":" + path).c_str(), 1);
  const auto r = run(dir, dir / "net.textproto");
  ::setenv("PATH", path.c_str(), 1);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("net.textproto:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Debian package dataset-fashion-mnist, which is not installed"), std::string::npos)
      << r.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
