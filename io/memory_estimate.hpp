// How much memory a network will need, worked out from its resolved description
// alone, before anything is built: the expected synapse count of every projection
// (from its connector's parameters) times the bytes each synapse costs in the
// delivery table, its plasticity rule and the construction temporaries, plus the
// neurons' state. It runs in microseconds for any size, so that a network too big
// for the machine is refused before a single synapse is allocated.
//
// The figures follow the data structures of core/synapse_table.hpp,
// core/post_index.hpp, plasticity/* and synapses/* (bytes are listed in the .cpp);
// when those change, tests/io/memory_estimate_test.cpp compares the estimate with a
// built network's actual table sizes.
#pragma once

#include <string>
#include <vector>

#include "spikeq.pb.h"

namespace spikeq::io {

struct projection_memory {
  std::string name;
  int index = 0;                 // position in the description
  double synapses = 0.0;         // expected count (double: 10^15 must not overflow)
  double table_bytes = 0.0;      // delivery table: targets, weights, blocks
  double resident_bytes = 0.0;   // everything kept after construction (table, rule, index)
  double transient_bytes = 0.0;  // temporaries alive only while this projection is built
};

struct memory_estimate {
  double neuron_bytes = 0.0;
  double synapses = 0.0;
  double table_bytes = 0.0;  // sum of the delivery tables
  double peak_bytes = 0.0;   // the most the process is expected to hold at once
  std::vector<projection_memory> projections;
  // The projection with the largest resident + transient bytes, or -1 without projections.
  int dominant = -1;
  // The population with the most neuron-state bytes, or -1 without populations.
  int largest_population = -1;
  double largest_population_bytes = 0.0;
};

// REQUIRES: `network` resolved (io/resolve.hpp): names unique, sizes and defaults set.
// `shards`: the kernel's shard count (spikeq run --threads), which the tables' delay
// blocks grow with.
memory_estimate estimate_memory(const config::Network& network, std::size_t shards = 1);

// Expected synapse count of projection `index` of a resolved network.
double expected_synapses(const config::Network& network, int index);

// Expected delay blocks (core/synapse_table.hpp) of projection `index` onto its
// target population `target`, summed over the sources, on one shard.
double expected_blocks(const config::Network& network, int index, const std::string& target);

}  // namespace spikeq::io
