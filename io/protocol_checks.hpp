// Checks of readouts, the trial protocol and target series: teacher signals and
// rules address linear_readout populations and neurons inside them, outcome
// probabilities are in [0, 1] and sum to 1, series lengths agree, every readout
// has a presynaptic projection, error_modulated_hebbian trains a readout.
#pragma once

#include <map>
#include <string>

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

void check_protocol(config::Network& net, const std::map<std::string, int>& index, checker& c);

}  // namespace spikeq::io::checks
