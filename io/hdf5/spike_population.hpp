// One SONATA spike population of the output file, /spikes/<name> (layout in
// docs/formats/output.md): timestamps (float64, ms) and node_ids (uint64), in time
// order, so the group's `sorting` attribute is the enum value by_time.
//
// Created by output_file::add_spike_population; lives as long as the output_file.
// Invariants: timestamps and node_ids always hold the same number of spikes, in
// non-decreasing time order, with node ids < node_count().
// Thread safety: none; one writer thread.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

class spike_population {
 public:
  // Creates /spikes/<name> in `spikes_group` (the open /spikes group of `file`).
  spike_population(hid_t spikes_group, const std::string& name, std::uint64_t node_count,
                   const std::string& file);

  // Appends spikes: times in ms, node ids 0-based within the population. Buffered;
  // whole chunks are written as they fill, the rest at output_file::flush().
  // REQUIRES (std::invalid_argument, nothing appended, otherwise): equal lengths;
  // times non-decreasing and not earlier than the last time appended before (NaN
  // rejected); every node id < node_count(). REQUIRES the file open (std::logic_error).
  void append(std::span<const double> times_ms, std::span<const std::uint64_t> node_ids);
  // Writes the buffered spikes (the caller flushes the file).
  void flush();
  // Closes the datasets and the group; returns the first failing H5*close status, or 0.
  herr_t close() noexcept;

  const std::string& name() const { return name_; }
  std::uint64_t node_count() const { return node_count_; }
  // Spikes appended so far, written or buffered.
  std::uint64_t size() const { return timestamps_.rows(); }

 private:
  std::string name_;
  std::string path_;  // "/spikes/<name>"
  std::string file_;
  std::uint64_t node_count_;
  double last_time_ms_ = -std::numeric_limits<double>::infinity();
  hdf5_handle group_;
  hdf5_write::appendable_dataset<double> timestamps_;
  hdf5_write::appendable_dataset<std::uint64_t> node_ids_;
};

}  // namespace spikeq::io
