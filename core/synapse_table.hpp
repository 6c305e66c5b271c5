// Compact static-synapse storage of one projection, in the layout spike delivery reads.
//
// Synapses are grouped by source neuron and, within a source, sorted by delay (then
// target), so all synapses of one (source, delay) pair form a contiguous "block":
// one scheduled event per (spike, distinct delay) delivers the whole block.
//
// Invariants:
//   - source_first_block has n_sources + 1 entries; blocks of source s are
//     [source_first_block[s], source_first_block[s + 1]).
//   - block_first_synapse has n_blocks + 1 entries; block k holds synapses
//     [block_first_synapse[k], block_first_synapse[k + 1]), all with delay block_delay[k] >= 1.
//   - target and weight have one entry per synapse (8 bytes per synapse).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

struct synapse_table {
  std::vector<std::uint32_t> source_first_block;
  std::vector<std::uint64_t> block_first_synapse;
  std::vector<tick_type> block_delay;
  std::vector<neuron_id_type> target;
  std::vector<weight_type> weight;

  std::uint64_t synapse_count() const { return target.size(); }
  std::span<const neuron_id_type> block_targets(std::uint32_t block) const {
    return {target.data() + block_first_synapse[block],
            block_first_synapse[block + 1] - block_first_synapse[block]};
  }
  std::span<const weight_type> block_weights(std::uint32_t block) const {
    return {weight.data() + block_first_synapse[block],
            block_first_synapse[block + 1] - block_first_synapse[block]};
  }
};

}  // namespace spikeq
