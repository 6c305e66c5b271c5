#include "core/ring_delivery.hpp"

#include <algorithm>
#include <span>

namespace spikeq {

namespace {

// Far enough ahead for a memory access to complete while the blocks between run
// (a CUBA block is 80 synapses); measured: bench/RESULTS.md.
constexpr std::size_t prefetch_blocks_ahead = 4;
// Longer blocks stream: the hardware prefetcher follows them after the first lines.
constexpr std::size_t prefetch_lines_at_most = 8;
constexpr std::size_t cache_line_bytes = 64;

template <class T>
void prefetch_run(const T* first, std::size_t count) {
  const auto* bytes = reinterpret_cast<const char*>(first);
  const std::size_t size = count * sizeof(T);
  const std::size_t lines =
      std::min(prefetch_lines_at_most, (size + cache_line_bytes - 1) / cache_line_bytes);
  for (std::size_t k = 0; k < lines; ++k) __builtin_prefetch(bytes + k * cache_line_bytes);
}

}  // namespace

void ring_delivery::add_all() {
  const std::size_t n = blocks_.size();
  for (std::size_t k = 0; k < std::min(n, prefetch_blocks_ahead); ++k) {
    prefetch_run(blocks_[k].targets, blocks_[k].size);
    prefetch_run(blocks_[k].weights, blocks_[k].size);
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (k + prefetch_blocks_ahead < n) {
      const listed_block& ahead = blocks_[k + prefetch_blocks_ahead];
      prefetch_run(ahead.targets, ahead.size);
      prefetch_run(ahead.weights, ahead.size);
    }
    const listed_block& b = blocks_[k];
    b.slot->add(b.receptor, std::span<const neuron_id_type>(b.targets, b.size),
                std::span<const weight_type>(b.weights, b.size), b.offset);
  }
  blocks_.clear();
}

}  // namespace spikeq
