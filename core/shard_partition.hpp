// Which neurons of each population each shard owns, chosen once from the network's
// description (so a resumed or re-run network gets the same slices).
//
// The shards own contiguous runs of the populations taken in description order,
// the runs balanced by an estimated cost per neuron. Most populations then fall
// whole on one shard and only the ones at a run's end are split. Why not split
// every population evenly: a source's synapses onto a population split k ways form
// k runs of delay blocks, each of them shorter, and delivery pays per run and per
// block (the microcircuit on 2 shards: 2.9 M blocks split evenly, 1.8 M like
// this, against 1.6 M on one shard; bench/RESULTS.md). The slicing never changes a
// result (core/sharded_population.hpp), only where the work is done.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

struct population_load {
  neuron_id_type size = 0;
  // Estimated work per neuron, in any unit shared by all populations; 0 for a
  // population that is not divided this way (it then takes no share of a run).
  double cost_per_neuron = 0.0;
};

// Slice boundaries of every population: shards + 1 entries each, from 0 to its size;
// slice s is [first[s], first[s + 1]) and may be empty. When no population has a
// cost, every population is split evenly (slice_boundaries).
// REQUIRES: shards >= 1; costs finite and non-negative.
std::vector<std::vector<neuron_id_type>> partition_populations(std::span<const population_load> loads,
                                                               std::size_t shards);

}  // namespace spikeq
