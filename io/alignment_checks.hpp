// Checks of recording.alignment entries: both projections exist (built names, as
// for recording.weights), feedback is forward's transpose (its source is forward's
// target and its target forward's source; forward == feedback is a recurrent
// projection compared with its own transpose), names are unique HDF5 names, the
// interval lies on the resolution grid. Fills in the default name.
#pragma once

#include "io/network_checks.hpp"

namespace spikeq::io::checks {

void check_alignments(config::Network& net, checker& c);

}  // namespace spikeq::io::checks
