// The releases on one neuromodulator channel, /neuromodulators/<name> (our own
// group; docs/formats/output.md): `release_times` float64 (ms, attribute units),
// `release_amounts` float64, appended in time order; group attributes `tau` (ms) and
// `tonic` describe the level M(t) = tonic + sum amount * exp(-(t - t_k) / tau).
// Created by output_file::add_modulator_log; lives as long as the output_file.
#pragma once

#include <span>
#include <string>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

class hdf5_reader;

class modulator_log {
 public:
  modulator_log(hid_t parent, const std::string& name, double tau_ms, double tonic, const std::string& file);

  // REQUIRES: equal lengths; times not decreasing across calls.
  void append(std::span<const double> times_ms, std::span<const double> amounts);
  void flush();
  // Appends what the same object holds in `source`, a recording of the same network
  // cut at a checkpoint (declaration phase of the output file).
  void restore_from(const hdf5_reader& source);
  herr_t close() noexcept;

 private:
  std::string path_, file_;
  hdf5_handle group_;
  hdf5_write::appendable_dataset<double> times_;
  hdf5_write::appendable_dataset<double> amounts_;
};

}  // namespace spikeq::io
