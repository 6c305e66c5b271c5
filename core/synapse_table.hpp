// Compact static-synapse storage of one projection, in the layout spike delivery reads.
//
// Synapses are grouped by source neuron, within a source by the shard that owns the
// target (shards own contiguous target ranges, core/shard_layout.hpp), then sorted
// by delay (then target), so all synapses of one (source, shard, delay) form a
// contiguous "block": one scheduled event per (spike, shard, distinct delay)
// delivers the whole block, and a shard reads only memory of its own synapses.
// With one shard this is (source, delay, target) order: the canonical order that
// edge ids (SONATA) follow for any shard count (canonical_order below).
//
// Invariants:
//   - source_first_block has n_sources * shards + 1 entries; blocks of source s on
//     shard k are [source_first_block[s * shards + k], source_first_block[s * shards + k + 1]).
//   - block_first_synapse has n_blocks + 1 entries; block k holds synapses
//     [block_first_synapse[k], block_first_synapse[k + 1]), all with delay block_delay[k] >= 1.
//   - target and weight have one entry per synapse (8 bytes per synapse).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

// Delays of blocks in ticks; 32 bits (35 minutes at the default 1 us tick) save
// 4 bytes per block (~0.2 bytes per synapse in the microcircuit).
using block_delay_type = std::int32_t;

struct synapse_table {
  std::uint32_t shards = 1;
  std::vector<std::uint32_t> source_first_block;
  std::vector<std::uint64_t> block_first_synapse;
  std::vector<block_delay_type> block_delay;
  std::vector<neuron_id_type> target;
  std::vector<weight_type> weight;

  std::uint64_t synapse_count() const { return target.size(); }
  std::uint32_t source_count() const {
    return static_cast<std::uint32_t>((source_first_block.size() - 1) / shards);
  }
  // Blocks of `source` on `shard`, and of `source` on every shard.
  std::uint32_t first_block(std::uint32_t source, std::uint32_t shard) const {
    return source_first_block[std::size_t{source} * shards + shard];
  }
  std::uint32_t end_block(std::uint32_t source, std::uint32_t shard) const {
    return source_first_block[std::size_t{source} * shards + shard + 1];
  }
  std::uint32_t source_begin(std::uint32_t source) const { return first_block(source, 0); }
  std::uint32_t source_end(std::uint32_t source) const { return first_block(source + 1, 0); }
  std::span<const neuron_id_type> block_targets(std::uint32_t block) const {
    return {target.data() + block_first_synapse[block],
            block_first_synapse[block + 1] - block_first_synapse[block]};
  }
  std::span<const weight_type> block_weights(std::uint32_t block) const {
    return {weight.data() + block_first_synapse[block],
            block_first_synapse[block + 1] - block_first_synapse[block]};
  }
};

// Storage index of every synapse in canonical (source, delay, target, creation)
// order: the identity for one shard; for several, a per-source merge of the
// shards' (delay, target)-sorted runs.
std::vector<std::uint64_t> canonical_order(const synapse_table& table);

// The weight of every synapse, if they all have the same one (bitwise: a +0.0 and
// a -0.0 weight are not one weight to a sum). Delivery then needs the targets only.
std::optional<weight_type> shared_weight(const synapse_table& table);

}  // namespace spikeq
