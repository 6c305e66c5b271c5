// Per-neuron state that the vectorised step kernels stream through, starting on a
// cache line. The default allocator aligns to 16 bytes, so a 64-byte vector load
// straddles two cache lines three times in four; the iaf_psc_exp kernel then costs
// about a quarter more per neuron-step on the AVX-512 host (bench/RESULTS.md, eleventh
// session).
#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include "core/cache_line.hpp"

namespace spikeq {

template <class T>
struct cache_line_allocator {
  using value_type = T;

  cache_line_allocator() = default;
  template <class U>
  explicit cache_line_allocator(const cache_line_allocator<U>& /*other*/) noexcept {}

  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{cache_line_bytes}));
  }
  void deallocate(T* p, std::size_t /*n*/) noexcept {
    ::operator delete (p, std::align_val_t{cache_line_bytes});
  }

  template <class U>
  bool operator==(const cache_line_allocator<U>& /*other*/) const noexcept {
    return true;
  }
};

template <class T>
using cache_aligned_vector = std::vector<T, cache_line_allocator<T>>;

}  // namespace spikeq
