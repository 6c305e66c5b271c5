// Builds the runnable network (core/network.hpp) from a resolved description:
// populations with their initial states, projections in delivery layout, stimuli.
// All random draws come from counter-based streams keyed by (seed, object, entity),
// so the built network is identical whatever the thread count.
#pragma once

#include <cstddef>

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// REQUIRES: resolve_network(file) has succeeded. Throws input_error for problems
// only visible while connecting (e.g. more distinct partners than exist).
// Populations are split into `shards` slices, one per kernel shard; the network's
// dynamics are the same for any number.
network build_network(const network_file& file, std::size_t shards = 1);

}  // namespace spikeq::io
