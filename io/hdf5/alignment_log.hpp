// The alignment between a forward and a feedback projection over time,
// /alignment/<name> (our own group; docs/formats/output.md): float64 datasets
// `time` (ms, attribute units), `angle_deg` (units "deg"), `variance_of_difference`,
// `pearson` and `sign_agreement`, one row per sample, appended in time order; group
// attributes `forward`, `feedback` (projection names), `upper_population`,
// `lower_population`, `upper_size`, `lower_size` (uint64), `recurrent` (uint32, 1
// when forward == feedback) and `variance` (which variance the column holds).
// Created by output_file::add_alignment_log; lives as long as the output_file.
#pragma once

#include <cstdint>
#include <string>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

class hdf5_reader;

struct alignment_description {
  std::string forward, feedback;
  std::string upper_population, lower_population;
  std::uint64_t upper_size = 0, lower_size = 0;
  bool recurrent = false;
};

class alignment_log {
 public:
  alignment_log(hid_t parent, const std::string& name, const alignment_description& what,
                const std::string& file);

  // One sample; times not decreasing across calls.
  void append(double time_ms, double angle_deg, double variance_of_difference, double pearson,
              double sign_agreement);
  void flush();
  // Appends what the same object holds in `source`, a recording of the same network
  // cut at a checkpoint (declaration phase of the output file).
  void restore_from(const hdf5_reader& source);
  herr_t close() noexcept;

 private:
  std::string path_, file_;
  hdf5_handle group_;
  hdf5_write::appendable_dataset<double> time_, angle_, variance_, pearson_, sign_;
};

}  // namespace spikeq::io
