// Every weight change of one projection, /weight_events/<name> (our own group,
// like NEST's weight_recorder; docs/formats/output.md): `timestamps` float64 (ms,
// attribute units), `edge_ids` uint64 (ids of /edges/<name>), `weights` float64,
// appended in time order and flushed with the file.
// Created by output_file::add_weight_event_log; lives as long as the output_file.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

class hdf5_reader;

class weight_event_log {
 public:
  weight_event_log(hid_t parent, const std::string& name, const std::string& file);

  // REQUIRES: equal lengths; times not decreasing across calls.
  void append(std::span<const double> times_ms, std::span<const std::uint64_t> edge_ids,
              std::span<const double> weights);
  void flush();
  // Appends what the same object holds in `source`, a recording of the same network
  // cut at a checkpoint (declaration phase of the output file).
  void restore_from(const hdf5_reader& source);
  herr_t close() noexcept;

  std::uint64_t events() const { return times_.rows(); }

 private:
  std::string path_, file_;
  hdf5_handle group_;
  hdf5_write::appendable_dataset<double> times_;
  hdf5_write::appendable_dataset<std::uint64_t> edges_;
  hdf5_write::appendable_dataset<double> weights_;
};

}  // namespace spikeq::io
