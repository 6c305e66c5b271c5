// Philox4x32-10 for many counters at once, and Poisson counts from its draws: the counter-based generator of
// random_stream (Salmon et al. 2011, as Random123 defines it), for streams that
// advance in lockstep and differ only in counter word 1 (the entity). Written as a
// plain loop the compiler vectorises; compiled three times (baseline x86-64, AVX2,
// AVX-512) and chosen at run time. Integer arithmetic only: both builds give the same bits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace spikeq::simd {

// What the counters share: the key, words 0, 2 and 3.
struct philox_shared_words {
  std::uint32_t key0, key1;
  std::uint32_t word0, word2, word3;
};

// For each i < n, the block Philox4x32-10 gives for counter (word0, word1[i], word2,
// word3), as the two 64-bit draws random_stream::next_u64 takes from it in order:
// first[i] = (v3 << 32) | v2, second[i] = (v1 << 32) | v0.
// REQUIRES: the arrays do not overlap.
using philox_blocks_function = void (*)(std::size_t n, philox_shared_words shared, const std::uint32_t* word1,
                                        std::uint64_t* first, std::uint64_t* second);

philox_blocks_function select_philox_blocks();

// For each i < n, how many of the 8 thresholds bits[i] >> 11 reaches: the
// branch-free head of random_stream::poisson in integers. With threshold j =
// ceil(cdf[j] 2^53), (bits >> 11) >= threshold j exactly when the stream's uniform
// (bits >> 11) 2^-53 >= cdf[j], so the counts are the same.
using poisson_head_counts_function = void (*)(std::size_t n, const std::uint64_t* bits,
                                              const std::uint64_t* thresholds, std::uint32_t* counts);

poisson_head_counts_function select_poisson_head_counts();

void philox_blocks_baseline(std::size_t, philox_shared_words, const std::uint32_t*, std::uint64_t*,
                            std::uint64_t*);
void philox_blocks_avx2(std::size_t, philox_shared_words, const std::uint32_t*, std::uint64_t*,
                        std::uint64_t*);

void poisson_head_counts_baseline(std::size_t, const std::uint64_t*, const std::uint64_t*, std::uint32_t*);
void poisson_head_counts_avx2(std::size_t, const std::uint64_t*, const std::uint64_t*, std::uint32_t*);
void philox_blocks_avx512(std::size_t, philox_shared_words, const std::uint32_t*, std::uint64_t*,
                          std::uint64_t*);
void poisson_head_counts_avx512(std::size_t, const std::uint64_t*, const std::uint64_t*, std::uint32_t*);

}  // namespace spikeq::simd
