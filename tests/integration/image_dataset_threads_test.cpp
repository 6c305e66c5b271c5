// An image_dataset run (permuted split, readout taught by the labels, evaluation
// trials after each task) gives byte-identical output with 1 and 2 threads: spike
// times come from streams keyed by (seed, population, trial x size + neuron),
// independent of the sharding.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/integration/thread_invariance.hpp"
#include "tests/io/idx_test_files.hpp"

namespace spikeq::testing {
namespace {

TEST(image_dataset_threads, one_and_two_threads_give_identical_output) {
  const auto dir = scratch_dir("dataset_threads");
  std::vector<std::vector<std::uint8_t>> images;
  std::vector<std::uint8_t> labels;
  for (std::uint32_t i = 0; i < 12; ++i) {
    std::vector<std::uint8_t> im(16);
    for (std::uint32_t p = 0; p < 16; ++p) im[p] = static_cast<std::uint8_t>((37 * i + 53 * p) % 256);
    images.push_back(im);
    labels.push_back(static_cast<std::uint8_t>(i % 3));
  }
  write_image_set(dir, 4, 4, images, labels);
  std::ofstream(dir / "net.textproto") << R"(simulation { resolution: 0.1 t_stop: 3300 seed: 7 }
population { name: "pixels" size: 16 image_dataset { images: "images.idx" labels: "labels.idx"
  split: PERMUTED tasks: 2 samples_per_task: 8 presentation: 100 blank: 50 readout: "out"
  test_images: "images.idx" test_labels: "labels.idx" test_samples_per_task: 2 } }
population { name: "out" size: 3 linear_readout { tau: 20 } }
projection { source: "pixels" target: "out" all_to_all {} weight { constant: 0 }
  plasticity { error_modulated_hebbian { eta: 0.001 } } }
recording { spikes { population: "pixels" } state { population: "out" variable: "y" interval: 10 } }
)";
  EXPECT_TRUE(outputs_identical_for_threads("image_dataset", (dir / "net.textproto").string(), "", {1, 2}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spikeq::testing
