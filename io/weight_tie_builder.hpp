// Builds the network's weight ties (core/weight_tie.hpp) from the projections'
// `tie` blocks, once every projection exists: pairs each tied synapse with the
// source synapse joining the same neurons (swapped with transpose), gives the tied
// projection its tied_weights rule and copies the weights once at the start.
#pragma once

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// Throws input_error at the tie when a tied synapse has no partner, or the source
// joins a pair of neurons more than once.
void build_weight_ties(const network_file& file, network& net);

}  // namespace spikeq::io
