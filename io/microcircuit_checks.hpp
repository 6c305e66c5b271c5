// Checks of the dendritic-microcircuit pieces (docs/models/sal_microcircuit.md):
// glm_pyramidal populations (times in whole steps), projections into them naming a
// dendrite, dendritic_prediction rules on basal input of a glm_pyramidal, weight
// ties (an existing other projection, no rule of their own) and the phase settings
// that change their parameters.
#pragma once

#include <map>
#include <string>

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

void check_microcircuit(const config::Network& net, const std::map<std::string, int>& index, checker& c);

}  // namespace spikeq::io::checks
