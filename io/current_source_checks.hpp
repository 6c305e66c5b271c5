// Checks of current sources (dc, step, Poisson input, random pulses, noise,
// live currents): their targets take currents, their times lie on the grid and,
// for time-stepped targets, on the targets' steps.
#pragma once

#include <map>
#include <string>

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

void check_current_sources(config::Network& net, const std::map<std::string, int>& index, checker& c);

}  // namespace spikeq::io::checks
