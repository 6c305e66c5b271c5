// One SONATA spike population of the output file, /spikes/<name> (layout in
// docs/formats/output.md): timestamps (float64, ms) and node_ids (uint64), in time
// order, so the group's `sorting` attribute is the enum value by_time, and
// recorded_node_ids (uint64, ascending): the neurons whose spikes are recorded, so
// that readers compute statistics over them and not over the whole population.
//
// Created by output_file::add_spike_population; lives as long as the output_file.
// Invariants: timestamps and node_ids always hold the same number of spikes, in
// non-decreasing time order, with node ids < node_count() and among the recorded
// neurons.
// Thread safety: none; one writer thread.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

class hdf5_reader;

class spike_population {
 public:
  // Creates /spikes/<name> in `spikes_group` (the open /spikes group of `file`).
  spike_population(hid_t spikes_group, const std::string& name, std::uint64_t node_count,
                   const std::string& file);

  // Declares which neurons are recorded: ascending, unique node ids < node_count();
  // empty means all of them (the default). REQUIRES: before the first append() and
  // before write_recorded_node_ids() (std::logic_error); valid ids (std::invalid_argument).
  void set_recorded_node_ids(std::vector<std::uint64_t> ids);
  // Writes /spikes/<name>/recorded_node_ids; output_file calls it once, when the
  // declaration phase ends (SWMR allows no new datasets after that). Later calls do nothing.
  void write_recorded_node_ids();

  // Appends spikes: times in ms, node ids 0-based within the population. Buffered;
  // whole chunks are written as they fill, the rest at output_file::flush().
  // REQUIRES (std::invalid_argument, nothing appended, otherwise): equal lengths;
  // times non-decreasing and not earlier than the last time appended before (NaN
  // rejected); every node id < node_count(). REQUIRES the file open (std::logic_error).
  void append(std::span<const double> times_ms, std::span<const std::uint64_t> node_ids);
  // Writes the buffered spikes (the caller flushes the file).
  void flush();
  // Appends what the same object holds in `source`, a recording of the same network
  // cut at a checkpoint (declaration phase of the output file).
  void restore_from(const hdf5_reader& source);
  // Closes the datasets and the group; returns the first failing H5*close status, or 0.
  herr_t close() noexcept;

  const std::string& name() const { return name_; }
  std::uint64_t node_count() const { return node_count_; }
  // Spikes appended so far, written or buffered.
  std::uint64_t size() const { return timestamps_.rows(); }
  // The recorded neurons as declared (empty: all node_count() of them).
  const std::vector<std::uint64_t>& recorded_node_ids() const { return recorded_; }

 private:
  std::string name_;
  std::string path_;  // "/spikes/<name>"
  std::string file_;
  std::uint64_t node_count_;
  double last_time_ms_ = -std::numeric_limits<double>::infinity();
  std::vector<std::uint64_t> recorded_;  // ascending; empty: all
  bool recorded_written_ = false;
  hdf5_handle group_;
  hdf5_write::appendable_dataset<double> timestamps_;
  hdf5_write::appendable_dataset<std::uint64_t> node_ids_;
};

}  // namespace spikeq::io
