// Semantic checks of projection plasticity and weight recordings: rule-specific
// rules the schema's field options cannot say (parameter-set names, delay
// conventions, bounds, references to projections). Records problems in the checker.
#pragma once

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

// Fills in the delay convention and checks projection k's plasticity block.
void check_plasticity(config::Network& net, int k, checker& c);
// Checks recording.weights: known projections (after names are filled in), each
// once, a frame interval on the resolution grid, edge ids within range when known.
void check_weight_recordings(config::Network& net, checker& c);

}  // namespace spikeq::io::checks
