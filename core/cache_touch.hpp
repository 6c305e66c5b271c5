// Loading a batch's scattered memory before the work on it. Delivery reads a few
// lines at unpredictable places per spike and then works on them for less time than
// a miss takes, so a prefetch a few items ahead leaves most of each miss exposed;
// loading the lines of a whole batch first lets their misses overlap (CUBA: the
// 400k-neuron network runs 17-20 % faster, the 40k one 11 %; bench/RESULTS.md, CUBA
// growth). Loads rather than prefetch hints, which the CPU may drop when its miss
// buffers are full: the caller stores the sum of the loaded words (or hands it to
// keep_loads), so the compiler keeps every load.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "core/cache_line.hpp"

namespace spikeq {

// The sum of one word from each of the first `max_lines` cache lines (at most) of
// [first, first + count): rows longer than that stream, and the hardware prefetcher
// follows them.
template <class T>
std::uint64_t touch_lines(const T* first, std::size_t count, std::size_t max_lines) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8);
  using word = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  constexpr std::size_t per_line = cache_line_bytes / sizeof(T);
  const std::size_t end = std::min(count, max_lines * per_line);
  std::uint64_t sum = 0;
  for (std::size_t k = 0; k < end; k += per_line) sum += std::bit_cast<word>(first[k]);
  return sum;
}

// Keeps `value`, and so the loads that produced it, when nothing else reads it (a
// caller that cannot store it: a plasticity rule is shared by the shards' threads).
inline void keep_loads(std::uint64_t value) { asm volatile("" : : "r"(value)); }

}  // namespace spikeq
