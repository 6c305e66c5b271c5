#include "core/ring_delivery.hpp"

#include <algorithm>
#include <span>

namespace spikeq {

namespace {

// Far enough ahead for a memory access to complete while the runs between are
// added (a CUBA run is one block of 80 synapses); measured: bench/RESULTS.md.
constexpr std::size_t prefetch_runs_ahead = 4;
// Longer runs stream: the hardware prefetcher follows them after the first lines.
constexpr std::size_t prefetch_lines_at_most = 8;
constexpr std::size_t cache_line_bytes = 64;

template <class T>
void prefetch_range(const T* first, std::size_t count) {
  const auto* bytes = reinterpret_cast<const char*>(first);
  const std::size_t size = count * sizeof(T);
  const std::size_t lines =
      std::min(prefetch_lines_at_most, (size + cache_line_bytes - 1) / cache_line_bytes);
  for (std::size_t k = 0; k < lines; ++k) __builtin_prefetch(bytes + k * cache_line_bytes);
}

}  // namespace

void ring_delivery::add_all() {
  const std::size_t n = runs_.size();
  const auto prefetch = [&](const listed_run& r) {
    prefetch_range(r.table->target.data() + r.first_synapse, r.end_synapse - r.first_synapse);
    if (!r.weight_shared)
      prefetch_range(r.table->weight.data() + r.first_synapse, r.end_synapse - r.first_synapse);
  };
  for (std::size_t k = 0; k < std::min(n, prefetch_runs_ahead); ++k) prefetch(runs_[k]);
  for (std::size_t k = 0; k < n; ++k) {
    if (k + prefetch_runs_ahead < n) prefetch(runs_[k + prefetch_runs_ahead]);
    const listed_run& r = runs_[k];
    const synapse_table& table = *r.table;
    const neuron_id_type* targets = table.target.data();
    const weight_type* weights = table.weight.data();
    input_ring::cursor slots =
        r.ring->cursor_from(r.spike_tick + table.block_delay[r.first_block], r.step_ticks);
    for (std::uint32_t b = r.first_block; b < r.end_block; ++b) {
      const std::uint64_t first = table.block_first_synapse[b], last = table.block_first_synapse[b + 1];
      input_sums& slot = slots.slot_for(r.spike_tick + table.block_delay[b]);
      const std::span<const neuron_id_type> block_targets(targets + first, last - first);
      if (r.weight_shared)
        slot.add(r.receptor, block_targets, input_sums::same_weight{r.shared_weight}, r.offset);
      else
        slot.add(r.receptor, block_targets, std::span<const weight_type>(weights + first, last - first),
                 r.offset);
    }
  }
  runs_.clear();
}

}  // namespace spikeq
