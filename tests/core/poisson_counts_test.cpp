// poisson_counts draws for a whole Poisson drive at once what each neuron's own
// random_stream would give step by step, in any order of steps (a resumed run starts
// anywhere); the vectorised Philox and the integer Poisson head agree with Random123
// and with random_stream::poisson in every build.
#include "core/poisson_counts.hpp"

#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "core/random_stream.hpp"
#include "core/simd/cpu_features.hpp"

namespace spikeq {
namespace {

std::vector<std::uint32_t> entities(std::uint32_t first, std::size_t n) {
  std::vector<std::uint32_t> e(n);
  std::iota(e.begin(), e.end(), first);
  return e;
}

// Random123's Philox4x32-10 is the reference for every kernel build.
TEST(philox_kernel, every_build_matches_random123) {
  const simd::philox_shared_words shared{0x12345678u, 0x9abcdef0u, (8u << 24) ^ 3u, 0xffffffffu, 7u};
  const auto word1 = entities(4000000000u, 37);  // odd length: the vector loops' remainders too
  std::vector<std::uint64_t> first(word1.size()), second(word1.size());
  std::vector<simd::philox_blocks_function> builds{&simd::philox_blocks_baseline};
  if (simd::cpu_has_avx2()) builds.push_back(&simd::philox_blocks_avx2);
  if (simd::cpu_has_avx512()) builds.push_back(&simd::philox_blocks_avx512);
  for (const auto build : builds) {
    build(word1.size(), shared, word1.data(), first.data(), second.data());
    for (std::size_t i = 0; i < word1.size(); ++i) {
      const r123::Philox4x32::ctr_type counter{{shared.word0, word1[i], shared.word2, shared.word3}};
      const r123::Philox4x32::key_type key{{shared.key0, shared.key1}};
      const auto block = r123::Philox4x32()(counter, key);
      EXPECT_EQ(first[i], (std::uint64_t{block.v[3]} << 32) | block.v[2]) << i;
      EXPECT_EQ(second[i], (std::uint64_t{block.v[1]} << 32) | block.v[0]) << i;
    }
  }
}

TEST(philox_kernel, integer_poisson_head_matches_the_stream_comparison) {
  const std::vector<double> cdf = poisson_cdf(1.1);
  std::uint64_t thresholds[8];
  for (int j = 0; j < 8; ++j) thresholds[j] = static_cast<std::uint64_t>(std::ceil(cdf[j] * 0x1.0p53));
  // Bits whose uniform lies exactly on, just below and just above each cdf entry.
  std::vector<std::uint64_t> bits;
  for (const std::uint64_t threshold : thresholds)
    for (const std::int64_t delta : {-1, 0, 1}) bits.push_back((threshold + delta) << 11);
  bits.push_back(0);
  bits.push_back(~std::uint64_t{0});
  std::vector<std::uint32_t> counts(bits.size());
  std::vector<simd::poisson_head_counts_function> builds{&simd::poisson_head_counts_baseline};
  if (simd::cpu_has_avx2()) builds.push_back(&simd::poisson_head_counts_avx2);
  if (simd::cpu_has_avx512()) builds.push_back(&simd::poisson_head_counts_avx512);
  for (const auto build : builds) {
    build(bits.size(), bits.data(), thresholds, counts.data());
    for (std::size_t i = 0; i < bits.size(); ++i) {
      const double u = static_cast<double>(bits[i] >> 11) * 0x1.0p-53;
      std::uint32_t expected = 0;
      for (int j = 0; j < 8; ++j) expected += u >= cdf[j];
      EXPECT_EQ(counts[i], expected) << i;
    }
  }
}

// Every count equals the neuron's own stream's draw, and the counts are Poisson: the
// sample mean within 5 standard errors of `mean`.
::testing::AssertionResult same_as_streams(double mean, std::uint64_t seed, std::uint32_t object,
                                           std::uint32_t first_entity, std::size_t neurons,
                                           std::uint64_t steps) {
  poisson_counts counts(seed, object, entities(first_entity, neurons), mean);
  std::vector<random_stream> streams;
  for (std::size_t k = 0; k < neurons; ++k)
    streams.emplace_back(seed, stream_kind::poisson_input, object,
                         first_entity + static_cast<std::uint32_t>(k));
  const std::vector<double> cdf = poisson_cdf(mean);
  std::uint64_t total = 0;
  for (std::uint64_t step = 0; step < steps; ++step) {
    const auto drawn = counts.of(step);
    if (drawn.size() != neurons)
      return ::testing::AssertionFailure()
             << "step " << step << ": " << drawn.size() << " counts for " << neurons << " neurons";
    for (std::size_t k = 0; k < neurons; ++k) {
      const std::uint32_t expected = streams[k].poisson(cdf);
      if (drawn[k] != expected)
        return ::testing::AssertionFailure() << "mean " << mean << " step " << step << " neuron " << k
                                             << ": drew " << drawn[k] << ", the stream gives " << expected;
      total += drawn[k];
    }
  }
  const auto n = static_cast<double>(neurons * steps);
  const double sample_mean = static_cast<double>(total) / n;
  if (std::abs(sample_mean - mean) > 5 * std::sqrt(mean / n))
    return ::testing::AssertionFailure() << "sample mean " << sample_mean << " for Poisson mean " << mean;
  return ::testing::AssertionSuccess();
}

TEST(poisson_counts, equal_each_neurons_own_stream_step_by_step) {
  EXPECT_TRUE(same_as_streams(1.1, 1, 4, 0, 1000, 50));                   // Brunel's drive: 11 kHz x 0.1 ms
  EXPECT_TRUE(same_as_streams(0.0008, 0x1234567890ull, 2, 77, 3, 2001));  // sparse (rate x 1 us tick)
  EXPECT_TRUE(same_as_streams(30.0, 5, 0, 4000000000u, 257, 40));         // the tail past the 8-entry head
}

TEST(poisson_counts, any_step_can_come_first_as_after_a_resume) {
  const double mean = 2.5;
  poisson_counts forward(9, 1, entities(10, 64), mean);
  std::vector<std::vector<std::uint32_t>> expected;
  for (std::uint64_t step = 0; step < 9; ++step) {
    const auto c = forward.of(step);
    expected.emplace_back(c.begin(), c.end());
  }
  for (const std::uint64_t first : {0, 1, 4, 7}) {
    poisson_counts resumed(9, 1, entities(10, 64), mean);
    for (std::uint64_t step = first; step < 9; ++step) {
      const auto c = resumed.of(step);
      EXPECT_EQ(std::vector<std::uint32_t>(c.begin(), c.end()), expected[step]) << first << " " << step;
    }
  }
}

TEST(poisson_counts, a_drive_with_no_neurons_here_draws_nothing) {
  poisson_counts none(1, 0, {}, 1.1);
  EXPECT_TRUE(none.of(0).empty());
  EXPECT_TRUE(none.of(1).empty());
}

}  // namespace
}  // namespace spikeq
