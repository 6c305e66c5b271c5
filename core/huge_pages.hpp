// Large arrays that are read at random (synapse tables, per-synapse plasticity
// records, the postsynaptic index) are asked to live in transparent huge pages:
// first-touching gigabytes in 4 KiB pages costs seconds of page faults on a virtual
// machine, and every random access to a 4 KiB-paged array of hundreds of megabytes
// also misses the TLB (plastic Brunel, whose STDP records and postsynaptic index take
// 256 MB: 10 % faster on the Intel host; bench/RESULTS.md). The request is a hint
// (madvise); where the system refuses it, nothing changes but speed.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace spikeq {

// Reserves room for n elements in v and asks for huge pages for the whole 2 MiB
// pages inside it, before anything touches them.
template <class T>
void reserve_in_huge_pages(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  char* const data = reinterpret_cast<char*>(v.data());
  const auto address = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = (address + huge - 1) & ~(huge - 1);
  const std::uintptr_t end = (address + n * sizeof(T)) & ~(huge - 1);
  if (end > begin) madvise(data + (begin - address), end - begin, MADV_HUGEPAGE);
#endif
}

// reserve_in_huge_pages, then n value-initialised (or `value`) elements.
template <class T>
void resize_in_huge_pages(std::vector<T>& v, std::size_t n, const T& value = T{}) {
  reserve_in_huge_pages(v, n);
  v.resize(n, value);
}

}  // namespace spikeq
