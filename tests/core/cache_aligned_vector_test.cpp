// core/cache_aligned_vector.hpp: per-neuron state starts on a cache line at every
// size and after every reallocation (the default allocator gives 16 bytes), and
// behaves as a std::vector otherwise.
#include "core/cache_aligned_vector.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace spikeq {
namespace {

bool on_a_cache_line(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % cache_line_bytes == 0; }

TEST(cache_aligned_vector, starts_on_a_cache_line_at_every_size) {
  // Small sizes come from the heap's bins, large ones (400k doubles) from mmap.
  for (const std::size_t n : {1, 3, 8, 100, 2000, 4000, 4001, 40000, 400000}) {
    const std::vector<cache_aligned_vector<double>> arrays(4, cache_aligned_vector<double>(n, 1.5));
    for (const auto& a : arrays) EXPECT_TRUE(on_a_cache_line(a.data())) << n << " elements";
  }
}

TEST(cache_aligned_vector, stays_on_a_cache_line_as_it_grows_and_keeps_its_contents) {
  cache_aligned_vector<double> v;
  for (int k = 0; k < 10000; ++k) {
    v.push_back(k);
    ASSERT_TRUE(on_a_cache_line(v.data())) << v.size() << " elements";
  }
  const std::vector<double> from_input(v.begin(), v.end());
  const cache_aligned_vector<double> copy(from_input.begin(), from_input.end());
  EXPECT_TRUE(on_a_cache_line(copy.data()));
  ASSERT_EQ(copy.size(), 10000u);
  for (std::size_t k = 0; k < copy.size(); ++k) ASSERT_EQ(copy[k], static_cast<double>(k));
}

}  // namespace
}  // namespace spikeq
