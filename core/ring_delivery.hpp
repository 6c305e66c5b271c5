// The static input of one window's exchanged spikes, added into the target slices'
// input rings (core/input_ring.hpp) in two passes: each spike's blocks on one
// projection are listed first (one entry for the run of blocks) and added second,
// in the same (spike, projection, block) order, so the per-neuron sums are the same.
// Splitting the passes lets a batch of runs' rows be loaded before any is added:
// each run starts at an unpredictable place in a table larger than the caches, and
// while one run's adds go on, the CPU's window does not reach the next run's loads
// (core/cache_touch.hpp). Listing runs rather than blocks keeps the per-block work
// small where blocks hold one or two synapses (the microcircuit's heterogeneous
// delays).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/input_ring.hpp"
#include "core/synapse_table.hpp"
#include "core/types.hpp"

namespace spikeq {

class ring_delivery {
 public:
  // Lists blocks [first_block, end_block) of `table` (one source's blocks on one
  // shard, sorted by delay) for a spike at `spike_tick`, to be added to `ring`'s
  // slots with target indices less `offset` (the slice's first neuron). With a
  // `shared_weight` (every synapse of the table has it) the weights are not read.
  // REQUIRES: first_block < end_block; ring.used().
  void list(const synapse_table& table, std::uint32_t first_block, std::uint32_t end_block,
            tick_type spike_tick, receptor_type receptor, neuron_id_type offset, input_ring& ring,
            tick_type step_ticks, std::optional<weight_type> shared_weight) {
    runs_.push_back({&table, table.block_first_synapse[first_block], table.block_first_synapse[end_block],
                     spike_tick, &ring, step_ticks, first_block, end_block, offset, receptor,
                     shared_weight.has_value(), shared_weight.value_or(0.0F)});
  }

  // Adds every listed run in listing order, then forgets them.
  void add_all();

 private:
  struct listed_run {
    const synapse_table* table;
    std::uint64_t first_synapse, end_synapse;
    tick_type spike_tick;
    input_ring* ring;
    tick_type step_ticks;
    std::uint32_t first_block, end_block;
    neuron_id_type offset;
    receptor_type receptor;
    bool weight_shared;
    weight_type shared_weight;
  };
  void add_run(const listed_run& r);

  std::vector<listed_run> runs_;
  std::uint64_t touched_ = 0;  // keeps the batch loads (core/cache_touch.hpp)
};

}  // namespace spikeq
