// Turns a projection's `plasticity` block into a rule attached to a built
// projection: the rule object, and the post_index carrying each synapse's
// dendritic delay.
#pragma once

#include "core/network.hpp"
#include "io/network_file.hpp"
#include "plasticity/modulated_stdp.hpp"

namespace spikeq::io {

// Attaches projection config k's rule to `proj` (already holding its synapse
// table). Throws input_error pointing at the offending field when the synapses
// cannot carry the rule (initial weights outside the bounds, a dendritic delay
// longer than a synapse's delay).
// Modulated rules read their channel in net.modulation, readout rules their
// readout population and net.protocol.
void attach_plasticity(const network_file& file, int k, network& net, projection& proj);

// The parameters of a dopamine_stdp (preset, then explicit fields) or rstdp block.
plasticity::modulated_stdp_parameters modulated_parameters(const config::Plasticity& cfg);

}  // namespace spikeq::io
