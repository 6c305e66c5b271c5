// Checks of hidden layers trained by feedback_alignment: the readout it names is a
// linear_readout trained by error_modulated_hebbian (which publishes the errors),
// the network has trials, the step lies on the grid, and with hlop the projection
// is all_to_all with one delay into a single population of sequential tasks.
#pragma once

#include <map>
#include <string>

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

void check_feedback_alignment(const config::Network& net, const std::map<std::string, int>& index,
                              checker& c);

}  // namespace spikeq::io::checks
