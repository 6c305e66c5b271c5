// One SONATA frame report of the output file, /report/<group> (layout in
// docs/formats/output.md): `data` float32 [frames x nodes], one element per node,
// and a `mapping` group (node_ids, index_pointers + hard link index_pointer,
// element_ids, time = {start, stop, step} in ms).
//
// Created by output_file::add_frame_report; lives as long as the output_file.
// Invariants: mapping/time[1] == start + frames_written() * step whenever data
// rows are written, so a file cut short stays self-consistent.
// Thread safety: none; one writer thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

class hdf5_reader;

// Which node and element each column of `data` belongs to: node k owns columns
// [index_pointers[k], index_pointers[k + 1]); element_ids label the columns (0 for
// one value per neuron; the edge id for a synapse report).
struct frame_mapping {
  std::vector<std::uint64_t> node_ids;
  std::vector<std::uint64_t> index_pointers;
  std::vector<std::uint32_t> element_ids;

  // One column per node.
  static frame_mapping one_per_node(const std::vector<std::uint64_t>& node_ids);
};

class frame_report {
 public:
  // Creates /report/<group> with an explicit mapping. REQUIRES: at least one column;
  // index_pointers of node_ids.size() + 1 non-decreasing entries from 0 to
  // element_ids.size(); step_ms > 0 and finite; start_ms finite (std::invalid_argument).
  frame_report(hid_t report_group, const std::string& group, const std::string& variable,
               const std::string& units, const frame_mapping& mapping, double start_ms, double step_ms,
               const std::string& file);
  // Creates /report/<group> in `report_group` (the open /report group of `file`).
  // REQUIRES: node_ids non-empty; step_ms > 0 and finite; start_ms finite
  // (std::invalid_argument otherwise).
  frame_report(hid_t report_group, const std::string& group, const std::string& variable,
               const std::string& units, const std::vector<std::uint64_t>& node_ids, double start_ms,
               double step_ms, const std::string& file);

  // Appends one frame: the values at time start + frames() * step, one per column.
  // Buffered; whole chunks are written as they fill, the rest at output_file::flush().
  // REQUIRES: values.size() == column_count() (std::invalid_argument); the file open
  // (std::logic_error).
  void append_frame(std::span<const float> values);
  // Writes the buffered frames and updates mapping/time (the caller flushes the file).
  void flush();
  // Appends what the same object holds in `source`, a recording of the same network
  // cut at a checkpoint (declaration phase of the output file).
  void restore_from(const hdf5_reader& source);
  // Closes the datasets and the group; returns the first failing H5*close status, or 0.
  herr_t close() noexcept;

  const std::string& name() const { return name_; }
  std::size_t column_count() const { return column_count_; }
  // Frames appended so far, written or buffered.
  std::uint64_t frames() const { return data_.rows(); }

 private:
  void write_time();  // time[1] := start + frames written * step

  std::string name_;
  std::string path_;  // "/report/<group>"
  std::string file_;
  std::size_t column_count_;
  double start_ms_, step_ms_;
  std::uint64_t frames_in_time_ = 0;  // frames covered by mapping/time in the file
  hdf5_handle group_;
  hdf5_write::appendable_dataset<float> data_;
  hdf5_handle time_;
};

}  // namespace spikeq::io
