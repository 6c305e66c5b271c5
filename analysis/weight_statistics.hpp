// Summary statistics of a projection's weights, read in chunks from an edges file
// (/edges/<name>/0/<dataset>) so that memory does not grow with the edge count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

struct weight_summary {
  std::uint64_t count = 0;
  std::uint64_t missing = 0;  // NaN (final weights of a run that crashed)
  double mean = 0.0;
  double sd = 0.0;  // population standard deviation
  double min = 0.0;
  double max = 0.0;
};

// Streams `dataset` (a 1-D float64 dataset of `r`) through Welford's algorithm.
weight_summary summarise_weights(const io::hdf5_reader& r, const std::string& dataset);

// Edges whose final weight differs from the initial one, or nullopt when the group
// lacks either dataset.
std::optional<std::uint64_t> changed_weights(const io::hdf5_reader& r, const std::string& edges_group);

struct weight_bounds_range {
  double w_min = 0, w_max = 0;
};

// Everything `spikeq analyze` reports about one edge population (docs/analysis.md).
struct projection_weight_statistics {
  std::string name;  // the /edges group
  std::uint64_t edges = 0;
  weight_summary initial, final_weights;
  std::optional<weight_bounds_range> bounds;            // the rule's [Wmin, Wmax], from provenance
  double fraction_at_lower = 0, fraction_at_upper = 0;  // of the final weights; NaN without bounds
  // Histogram of the final weights: 10 equal bins over the bounds (or the observed range).
  double histogram_low = 0, histogram_high = 0;
  std::vector<std::uint64_t> histogram;
  // Change between the first and the last frame of the weight report, over its
  // columns, or from the initial to the final weights when there is no report.
  std::string change_source;                    // "report" or "edges"
  double change_from_ms = 0, change_to_ms = 0;  // NaN for "edges"
  double mean_change = 0, mean_absolute_change = 0;
  std::uint64_t changed = 0, compared = 0;
};

// REQUIRES: /edges/<name> exists. Streams the datasets in chunks.
projection_weight_statistics analyze_weights(const io::hdf5_reader& r, const std::string& name,
                                             std::optional<weight_bounds_range> bounds);

}  // namespace spikeq::analysis
