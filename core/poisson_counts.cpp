#include "core/poisson_counts.hpp"

#include <cmath>

#include "core/random_stream.hpp"

namespace spikeq {

poisson_counts::poisson_counts(std::uint64_t seed, std::uint32_t object, std::vector<std::uint32_t> entities,
                               double mean)
    : philox_(simd::select_philox_blocks()),
      counts_head_(simd::select_poisson_head_counts()),
      entities_(std::move(entities)),
      cdf_(poisson_cdf(mean)) {
  static_assert(poisson_cdf_head == 8, "simd::poisson_head_counts counts 8 thresholds");
  // Exact: scaling by 2^53 and ceil neither round, and cdf <= 2 keeps it below 2^64.
  for (std::size_t j = 0; j < poisson_cdf_head; ++j)
    head_thresholds_[j] = static_cast<std::uint64_t>(std::ceil(cdf_[j] * 0x1.0p53));
  // random_stream's key and counter layout: key = seed, counter = (kind << 24 ^
  // object, entity, block index low, high).
  words_.key0 = static_cast<std::uint32_t>(seed);
  words_.key1 = static_cast<std::uint32_t>(seed >> 32);
  words_.word0 = (static_cast<std::uint32_t>(stream_kind::poisson_input) << 24) ^ object;
  even_step_bits_.resize(entities_.size());
  odd_step_bits_.resize(entities_.size());
  counts_.resize(entities_.size());
}

std::span<const std::uint32_t> poisson_counts::of(std::uint64_t step) {
  const std::uint64_t block = step / 2;
  if (block != block_) {
    words_.word2 = static_cast<std::uint32_t>(block);
    words_.word3 = static_cast<std::uint32_t>(block >> 32);
    philox_(entities_.size(), words_, entities_.data(), even_step_bits_.data(), odd_step_bits_.data());
    block_ = block;
  }
  const std::uint64_t* bits = step % 2 == 0 ? even_step_bits_.data() : odd_step_bits_.data();
  counts_head_(entities_.size(), bits, head_thresholds_.data(), counts_.data());
  // The rare tail, walked on as random_stream::poisson does.
  for (std::size_t k = 0; k < entities_.size(); ++k) {
    if (counts_[k] != poisson_cdf_head) continue;
    const double u = static_cast<double>(bits[k] >> 11) * 0x1.0p-53;
    std::uint32_t count = poisson_cdf_head;
    while (count + 1 < cdf_.size() && u >= cdf_[count]) ++count;
    counts_[k] = count;
  }
  return counts_;
}

}  // namespace spikeq
