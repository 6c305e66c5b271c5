// Images presented as Poisson spike trains, one neuron per pixel (rules.md §4.5):
// during trial s (sample s of the presentation schedule) neuron p fires as a
// Poisson process of rate max_rate * x / 255, where x is pixel perm_t[p] of the
// trial's image and t its task, for `presentation` and is silent for the blank
// that follows. Spike times of (neuron p, trial s) come from the counter-based
// stream keyed by (seed, population, s * size + p), so they do not depend on the
// order in which trials or neurons are simulated, nor on the thread count.
//
// The schedule and the pixels (memory-mapped or inflated once, io/dataset/) are
// shared read-only by every shard: nothing is copied per task.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/random_stream.hpp"
#include "core/time_grid.hpp"
#include "neurons/spike_source.hpp"

namespace spikeq {

struct image_presentation {
  std::shared_ptr<const void> storage;        // keeps `pixels` alive
  std::span<const std::uint8_t> pixels;       // images x pixels_per_image, row-major
  std::span<const std::uint8_t> test_pixels;  // the evaluation set, likewise
  std::uint32_t pixels_per_image = 0;
  double max_rate_Hz = 0.0;
  double first_ms = 0.0;  // start of trial 0
  double presentation_ms = 0.0;
  double period_ms = 0.0;  // presentation + blank
  // Per trial: the image shown, its label, its task and whether it evaluates.
  std::vector<std::uint32_t> image;
  std::vector<std::uint8_t> label;
  std::vector<std::uint32_t> task;
  std::vector<std::uint8_t> evaluation;  // 1: an evaluation trial showing test_pixels
  // Per task: neuron p shows pixel permutation[t][p]; empty: the identity.
  std::vector<std::vector<std::uint32_t>> permutation;

  std::uint8_t intensity(std::size_t trial, std::uint32_t neuron) const {
    const auto& perm = permutation[task[trial]];
    const std::uint32_t pixel = perm.empty() ? neuron : perm[neuron];
    return (evaluation[trial] != 0 ? test_pixels
                                   : pixels)[std::size_t{image[trial]} * pixels_per_image + pixel];
  }
};

class image_dataset final : public spike_source {
 public:
  // Holds neurons [first_neuron, first_neuron + size) of the population.
  image_dataset(std::string name, neuron_id_type size, std::shared_ptr<const image_presentation> schedule,
                time_grid grid, std::uint64_t seed, std::uint32_t stream_object, neuron_id_type first_neuron);

  std::string_view model() const override { return "image_dataset"; }
  void state(state_archive& ar) override;
  void start(population_output& out) override;
  void wakeup(tick_type now, neuron_id_type neuron, std::uint32_t version, population_output& out) override;

 private:
  // Moves neuron n to the start of the first trial from `trial` on with a nonzero
  // rate; false when none is left.
  bool enter_trial(neuron_id_type n, std::size_t trial);
  // Draws neuron n's next spike, moving on through trials, and asks for its wake-up.
  void schedule_next(neuron_id_type n, population_output& out);

  std::shared_ptr<const image_presentation> s_;
  time_grid grid_;
  std::uint64_t seed_;
  std::uint32_t stream_object_;
  neuron_id_type first_neuron_;
  neuron_id_type population_size_;
  std::vector<random_stream> streams_;
  std::vector<std::uint32_t> trial_;
  std::vector<double> next_time_ms_;
  std::vector<double> mean_interval_ms_;
  std::vector<std::uint32_t> version_;
};

}  // namespace spikeq
