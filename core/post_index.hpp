// Transposed index of a plastic projection: for each target neuron, the table
// indices of its incoming synapses, grouped by back-propagation offset (2 * d_den,
// see plasticity_rule.hpp) so that one event per (postsynaptic spike, distinct
// offset) reaches a whole group, as delay blocks do for forward delivery.
//
// Invariants:
//   - target_first_block has n_targets + 1 entries; blocks of target t are
//     [target_first_block[t], target_first_block[t + 1]), offsets ascending.
//   - block_first has n_blocks + 1 entries; block k holds
//     synapse[block_first[k] .. block_first[k + 1]), ascending table indices.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/synapse_table.hpp"

namespace spikeq {

struct post_index {
  std::vector<std::uint64_t> target_first_block;
  std::vector<std::uint64_t> block_first;
  std::vector<tick_type> block_offset;
  std::vector<std::uint64_t> synapse;

  std::span<const std::uint64_t> block(std::uint64_t k) const {
    return {synapse.data() + block_first[k], block_first[k + 1] - block_first[k]};
  }
};

// Builds the index of `table` for `n_targets` targets; dendritic_ticks[s] is synapse
// s's dendritic delay (empty: 0 for all). REQUIRES: dendritic_ticks empty or one per
// synapse, each within [0, its synapse's delay].
post_index build_post_index(const synapse_table& table, std::uint32_t n_targets,
                            std::span<const tick_type> dendritic_ticks);

// The same with the offset of every synapse given directly (rules that define their
// own frame, such as SAL's offset d(s)). REQUIRES: offsets empty or one per synapse,
// each >= 0.
post_index build_post_index_at_offsets(const synapse_table& table, std::uint32_t n_targets,
                                       std::span<const tick_type> offset_ticks);

}  // namespace spikeq
