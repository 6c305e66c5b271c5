// Turns generated connections plus their weights and delays into the delivery
// layout of core/synapse_table.hpp: one table per target population (a projection
// onto several populations is split here), each source's synapses sorted by
// (delay, target) and grouped into blocks of equal delay.
//
// Construction memory: each source's row is generated, valued and sorted in a
// scratch buffer of its own length and written straight into the final arrays,
// whose sizes are known beforehand. Beyond the tables themselves, a projection
// costs 8 bytes per source (offsets) and, for connectors whose rows must be
// materialised (fixed_probability onto several populations, fixed_number_pre,
// from_list), the 4-byte targets of connection_rows.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/distribution.hpp"
#include "core/random_stream.hpp"
#include "core/synapse_table.hpp"
#include "synapses/connectors.hpp"
#include "synapses/synapse_values.hpp"

namespace spikeq {

// Where one target population sits in a projection's concatenated target space.
struct target_range {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
  // Where the population's slices start (core/sharded_population.hpp): {0, size} for
  // a population on one shard (a readout); empty: split evenly over the tables'
  // shards (slice_boundaries).
  std::vector<neuron_id_type> slice_first;
};

// Tables from materialised connections, one per range, each target population
// split into `shards` slices (core/synapse_table.hpp orders synapses by them).
std::vector<synapse_table> build_synapse_tables(const connection_rows& rows, const synapse_values& values,
                                                const std::vector<target_range>& ranges,
                                                std::uint32_t shards = 1);

// Generates each source's row on the fly, straight into the table of the single
// target range (no per-synapse temporary at all).
// REQUIRES: rows.sizes_known(); the generator's targets are [0, target_count).
// `slice_first`: the target population's slices as in target_range.
synapse_table build_synapse_table(const row_generator& rows, const synapse_values& values,
                                  std::uint32_t target_count, std::uint32_t shards = 1,
                                  std::span<const neuron_id_type> slice_first = {});

// Number of connections a generator with known row sizes makes.
std::uint64_t connection_count(const row_generator& rows);

// One value per connection of `rows`, in row order (see distribution_values).
// Kept for tests and small networks; the builder never holds such an array.
std::vector<double> sample_per_synapse(const distribution& dist, const connection_rows& rows,
                                       std::uint64_t seed, stream_kind kind, std::uint32_t projection_index);

// Tables from explicit per-connection values (in row order).
// REQUIRES: weights and delay_ticks have one entry per connection; delays >= 1.
std::vector<synapse_table> build_synapse_tables(const connection_rows& rows,
                                                const std::vector<double>& weights,
                                                const std::vector<tick_type>& delay_ticks,
                                                const std::vector<target_range>& ranges);

}  // namespace spikeq
