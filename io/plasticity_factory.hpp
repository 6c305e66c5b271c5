// Turns a projection's `plasticity` block into a rule attached to a built
// projection: the rule object, and the post_index carrying each synapse's
// dendritic delay.
#pragma once

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// Attaches projection config k's rule to `proj` (already holding its synapse
// table). Throws input_error pointing at the offending field when the synapses
// cannot carry the rule (initial weights outside the bounds, a dendritic delay
// longer than a synapse's delay).
void attach_plasticity(const network_file& file, int k, const time_grid& grid, std::uint32_t n_targets,
                       projection& proj);

}  // namespace spikeq::io
