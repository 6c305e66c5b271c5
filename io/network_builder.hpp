// Builds the runnable network (core/network.hpp) from a resolved description:
// populations with their initial states, projections in delivery layout, stimuli.
// All random draws come from counter-based streams keyed by (seed, object, entity),
// so the built network is identical whatever the thread count.
#pragma once

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// REQUIRES: resolve_network(file) has succeeded. Throws input_error for problems
// only visible while connecting (e.g. more distinct partners than exist).
network build_network(const network_file& file);

}  // namespace spikeq::io
