// Alignment between forward and feedback weights over a run (/alignment/<name>,
// written by `spikeq run` for recording.alignment; docs/formats/output.md,
// docs/models/alignment.md): reading the series and summarising them for
// `spikeq analyze`. python/spikeq_analysis.py (load_alignment,
// alignment_statistics) computes the same numbers.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

struct alignment_series {
  std::string name;  // the /alignment group
  std::string forward, feedback, upper_population, lower_population;
  bool recurrent = false;
  std::vector<double> time_ms, angle_deg, variance_of_difference, pearson, sign_agreement;
};

// Alignment groups of the file, in name order (empty without /alignment).
std::vector<std::string> alignment_names(const io::hdf5_reader& r);
// Throws io::hdf5_error (naming the path) for a missing dataset or datasets of
// different lengths.
alignment_series read_alignment(const io::hdf5_reader& r, const std::string& name);

struct alignment_summary {
  std::string name, forward, feedback;
  bool recurrent = false;
  std::uint64_t samples = 0;  // with t_start <= time <= t_stop
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  double first_time_ms = nan, first_angle_deg = nan;
  double last_time_ms = nan, last_angle_deg = nan;
  double min_angle_deg = nan, min_angle_time_ms = nan;  // the smallest non-NaN angle, first time reached
  // At the last sample:
  double final_variance = nan, final_pearson = nan, final_sign_agreement = nan;
};

// The samples with t_start <= time <= t_stop.
alignment_summary summarize_alignment(const alignment_series& s, double t_start_ms, double t_stop_ms);

}  // namespace spikeq::analysis
