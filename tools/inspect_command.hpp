// `spikeq inspect OUT.h5`: what a recording holds, read without loading its data.
#pragma once

#include <string>

namespace spikeq::tools {

// Prints spike populations (neurons, spikes, time span, sorting), frame reports
// (variable, units, nodes, frames, time grid) and provenance. Exit codes: 0, or 2
// when the file is not HDF5 or holds neither /spikes nor /report (the message
// names the path inside the file).
int inspect_file(const std::string& path);

}  // namespace spikeq::tools
