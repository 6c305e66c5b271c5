// Per-step Poisson counts for the neurons of one Poisson drive.
//
// Neuron k's count at step s is drawn from its own stream, random_stream(seed,
// poisson_input, object, entity_k), by inversion of one uniform: the same draws the
// stream's poisson() gives step by step. Every stream of a drive takes exactly one
// draw per step, so all of them stand at the same position, the step index: no
// per-neuron stream state is kept (a resumed run recomputes it from the step), and
// one Philox block for every neuron is one vectorised call that serves two steps.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/simd/philox_kernel.hpp"

namespace spikeq {

class poisson_counts {
 public:
  poisson_counts(std::uint64_t seed, std::uint32_t object, std::vector<std::uint32_t> entities, double mean);

  // The counts of step `step` (0 = the drive's first), in entity order.
  std::span<const std::uint32_t> of(std::uint64_t step);

  std::size_t size() const { return entities_.size(); }

 private:
  static constexpr std::uint64_t no_block = ~std::uint64_t{0};

  simd::philox_shared_words words_;
  simd::philox_blocks_function philox_;
  simd::poisson_head_counts_function counts_head_;
  std::vector<std::uint32_t> entities_;
  std::vector<double> cdf_;
  std::array<std::uint64_t, 8> head_thresholds_{};  // ceil(cdf[j] 2^53)
  // The two draws of block `block_` for every entity: steps 2 block_ and 2 block_ + 1.
  std::uint64_t block_ = no_block;
  std::vector<std::uint64_t> even_step_bits_, odd_step_bits_;
  std::vector<std::uint32_t> counts_;
};

}  // namespace spikeq
