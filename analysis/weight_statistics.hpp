// Summary statistics of a projection's weights, read in chunks from an edges file
// (/edges/<name>/0/<dataset>) so that memory does not grow with the edge count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace spikeq::analysis
