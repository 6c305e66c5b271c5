// Checks of the network's neuromodulator channels and their sources: unique names,
// known populations, neurons inside them, release schedules that agree with
// themselves, delays a run can honour. Records problems in the checker.
#pragma once

#include <map>
#include <string>

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

void check_neuromodulators(config::Network& net, const std::map<std::string, int>& index, checker& c);

}  // namespace spikeq::io::checks
