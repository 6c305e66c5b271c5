// The estimated work of each population per model second, for dividing the
// populations among shards (core/shard_partition.hpp) before anything is built.
#pragma once

#include <cstddef>
#include <vector>

#include "core/shard_partition.hpp"
#include "spikeq.pb.h"

namespace spikeq::io {

// One load per population of a resolved description, in its order. Populations
// that are not divided by the partition (readouts and dendritic pyramidal neurons,
// owned whole by shard 0; image datasets, split evenly) have no cost.
std::vector<population_load> population_loads(const config::Network& network);

// The slices of every population on `shards` shards (partition_populations of the
// loads above).
std::vector<std::vector<neuron_id_type>> population_slices(const config::Network& network,
                                                           std::size_t shards);

}  // namespace spikeq::io
