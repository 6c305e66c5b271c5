// Whether a recording is the partial file of a run that never finished (killed or
// crashed), and how far in model time it goes (docs/formats/output.md, "Writing safely").
#pragma once

#include <string>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

// True for the temporary name a killed run leaves (.<name>.tmp-<pid>) or when a
// projection's final weights were never written (all NaN).
bool is_incomplete_recording(const io::hdf5_reader& r, const std::string& path);

// The latest model time (ms) the file holds: the last flushed spike or frame; 0 when empty.
double last_recorded_time_ms(const io::hdf5_reader& r);

}  // namespace spikeq::analysis
