// Statistics of the spike populations of a recording (SONATA spike file), read in
// chunks so that memory does not grow with the number of spikes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/alignment_statistics.hpp"
#include "analysis/continual_learning.hpp"
#include "analysis/modulator_statistics.hpp"
#include "analysis/rate_spectrum.hpp"
#include "analysis/readout_responses.hpp"
#include "analysis/spike_statistics.hpp"
#include "analysis/weight_statistics.hpp"
#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

struct analysis_request {
  std::vector<std::string> populations;  // empty: all
  std::optional<double> t_start_ms;      // default 0
  std::optional<double> t_stop_ms;       // default: the run's t_stop (provenance), else the last spike
  double bin_ms = 5.0;
  double band_low_hz = 30.0, band_high_hz = 80.0;  // rate-spectrum band (gamma)
  // Readouts (with /protocol): alignment, window and trials; its t_start and t_stop
  // are replaced by the window above (trials whose alignment time lies in it).
  response_request readout;
};

struct recording_statistics {
  double t_start_ms = 0, t_stop_ms = 0, bin_ms = 0;
  std::vector<population_statistics> populations;
  std::vector<std::string> notes;                     // populations without a list of recorded neurons
  std::vector<spectrum_result> spectra;               // one per population, same order
  std::vector<projection_weight_statistics> weights;  // one per /edges group
  std::vector<modulator_statistics> modulators;       // one per /neuromodulators channel
  std::optional<trial_schedule> protocol;             // /protocol, if any
  std::vector<readout_responses> readouts;            // one per readout report of y (with a protocol)
  std::vector<alignment_summary> alignments;          // one per /alignment group, over the window
  std::optional<continual_learning_result> continual;  // /continual_learning, if any (whole run)
};

// Throws io::input_error for a bad request (unknown population, empty window) and
// io::hdf5_error (naming the path inside the file) for a bad file. Accepts spike
// groups sorted by time (streamed) or not (read whole and sorted), with `sorting` as
// the SONATA enum, a string, or absent.
// The run's t_stop from the resolved network stored as provenance, if any.
std::optional<double> recorded_t_stop(const io::hdf5_reader& r);

recording_statistics analyze_recording(const std::filesystem::path& file, const analysis_request& request);

}  // namespace spikeq::analysis
