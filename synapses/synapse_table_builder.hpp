// Turns generated connections plus per-synapse weights and delays into the
// delivery layout of core/synapse_table.hpp: one table per target population
// (a projection onto several populations is split here), each source's synapses
// sorted by (delay, target) and grouped into blocks of equal delay.
#pragma once

#include <cstdint>
#include <vector>

#include "core/distribution.hpp"
#include "core/random_stream.hpp"
#include "core/synapse_table.hpp"
#include "synapses/connectors.hpp"

namespace spikeq {

// Where one target population sits in a projection's concatenated target space.
struct target_range {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

// One value per connection of `rows`, in row order. Random draws for row s come
// from the stream (seed, kind, projection_index, s); list values are taken by
// creation index (or the from_list position); cycle restarts for every row.
std::vector<double> sample_per_synapse(const distribution& dist, const connection_rows& rows,
                                       std::uint64_t seed, stream_kind kind, std::uint32_t projection_index);

// REQUIRES: weights and delay_ticks have one entry per connection; delays >= 1.
std::vector<synapse_table> build_synapse_tables(const connection_rows& rows,
                                                const std::vector<double>& weights,
                                                const std::vector<tick_type>& delay_ticks,
                                                const std::vector<target_range>& ranges);

}  // namespace spikeq
