#include "core/ring_delivery.hpp"

#include <algorithm>
#include <span>

#include "core/cache_touch.hpp"

namespace spikeq {

namespace {

// Runs whose rows are loaded together before any is added (core/cache_touch.hpp):
// at most 8 lines each, so a batch stays within the second-level cache.
constexpr std::size_t runs_per_batch = 256;
constexpr std::size_t row_lines_loaded = 8;

}  // namespace

void ring_delivery::add_all() {
  const std::size_t n = runs_.size();
  for (std::size_t batch = 0; batch < n; batch += runs_per_batch) {
    const std::size_t batch_end = std::min(n, batch + runs_per_batch);
    for (std::size_t k = batch; k < batch_end; ++k) {
      const listed_run& r = runs_[k];
      const std::size_t count = r.end_synapse - r.first_synapse;
      touched_ += touch_lines(r.table->target.data() + r.first_synapse, count, row_lines_loaded);
      if (!r.weight_shared)
        touched_ += touch_lines(r.table->weight.data() + r.first_synapse, count, row_lines_loaded);
    }
    for (std::size_t k = batch; k < batch_end; ++k) add_run(runs_[k]);
  }
  runs_.clear();
}

void ring_delivery::add_run(const listed_run& r) {
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

}  // namespace spikeq
