// Creates the population object for one schema population entry.
#pragma once

#include <memory>
#include <span>

#include "core/population.hpp"
#include "core/time_grid.hpp"
#include "spikeq.pb.h"

namespace spikeq::io {

// REQUIRES: the population has been resolved (defaults filled, validated).
// `index` identifies the population in the random streams. The object holds
// neurons [first, first + count) of the population, with exactly the initial state
// and random streams those neurons have in the whole population.
std::unique_ptr<population> make_population(const config::Population& p, std::uint32_t index, time_grid grid,
                                            std::uint64_t seed, std::uint32_t first, std::uint32_t count);

// The whole population, split into slices [first[s], first[s + 1]), one per shard
// (core/sharded_population.hpp; io/shard_balance.hpp chooses them).
// REQUIRES: first has shards + 1 non-decreasing entries from 0 to p.size().
std::unique_ptr<population> make_sharded_population(const config::Population& p, std::uint32_t index,
                                                    time_grid grid, std::uint64_t seed,
                                                    std::span<const neuron_id_type> first);

}  // namespace spikeq::io
