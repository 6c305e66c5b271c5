// The small network of the hidden-layer tests (hlop_hidden_test.cpp,
// hlop_hidden_threads_test.cpp): 16 Poisson pixels -> 32 LIF trained by direct
// feedback alignment -> 4 linear readouts, HLOP on both layers, two permuted tasks of
// synthetic prototype images that the test writes as IDX files.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/cli_runner.hpp"
#include "tests/io/idx_test_files.hpp"

namespace spikeq::testing::hlop_hidden_network {

inline constexpr int pixels = 16, classes = 4, samples = 96;
inline constexpr double trial_ms = 150;

// Four prototype images, each sample a scaled copy (fixed data, not the simulation's
// randomness).
inline void write_images(const std::filesystem::path& dir) {
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

inline constexpr int evaluation = 16;
inline constexpr double t_stop = (2 * samples + 3 * evaluation) * trial_ms;

inline std::string network(const std::string& hidden_rule, const std::string& readout_hlop) {
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

inline const std::string hidden_rule =
    "feedback_alignment { readout: \"readout\" eta: 2e-4 rate_max: 150 "
    "hlop { lateral_neurons: 3 lateral_neurons_per_task: 3 trace_scale: 0.005 learning_rate: 0.1 batch_size: "
    "8 } }";
inline const std::string readout_hlop =
    "hlop { lateral_neurons: 2 lateral_neurons_per_task: 2 trace_scale: 0.2 learning_rate: 0.1 batch_size: 8 "
    "}";

inline std::filesystem::path prepare(const std::string& name, const std::string& text) {
  const auto dir = scratch_dir(name);
  write_images(dir);
  const auto net = dir / "net.textproto";
  write_text(net, text);
  return net;
}

}  // namespace spikeq::testing::hlop_hidden_network
