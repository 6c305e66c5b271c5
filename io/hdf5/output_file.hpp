// The run's output file: SONATA spike populations and frame reports (layout in
// docs/formats/output.md), plus provenance, written safely while the run goes on.
//
// Protocol: the file is created under a temporary name next to the final path,
// every group, dataset and attribute is declared, then start_streaming() switches
// to SWMR writing; data are appended in batches and flush() makes everything so
// far durable and readable. commit() renames the file into place. An output_file
// destroyed without commit() deletes its temporary file, so a failed run never
// damages an existing result.
//
// Thread safety: none; used by the thread that runs the kernel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

// A 1-D chunked, extendible dataset that buffers appends.
class appendable_dataset {
 public:
  appendable_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t memory_type,
                     std::size_t element_size, std::string file_name, std::string path);
  void append(const void* data, std::size_t count);
  void flush();
  void close() { dataset_.reset(); }
  std::uint64_t size() const { return written_ + buffered_count(); }
  hid_t id() const { return dataset_.get(); }

 private:
  std::size_t buffered_count() const { return buffer_.size() / element_size_; }

  hdf5_handle dataset_;
  hid_t memory_type_;
  std::size_t element_size_;
  std::uint64_t written_ = 0;
  std::vector<unsigned char> buffer_;
  std::string file_, path_;
};

// /spikes/<population>: timestamps (float64, ms) and node_ids (uint64), sorted by time.
class spike_population {
 public:
  spike_population(hid_t spikes_group, const std::string& name, std::uint64_t node_count,
                   const std::string& file);
  // REQUIRES: equal lengths; times not earlier than those appended before.
  void append(std::span<const double> times_ms, std::span<const std::uint64_t> node_ids);
  void flush();
  void close();

 private:
  hdf5_handle group_;
  appendable_dataset timestamps_;
  appendable_dataset node_ids_;
};

// /report/<group>: one row of `data` per frame, one column per recorded node.
class frame_report {
 public:
  frame_report(hid_t report_group, const std::string& group, const std::string& variable,
               const std::string& units, const std::vector<std::uint64_t>& node_ids, double start_ms,
               double step_ms, std::string file);
  // REQUIRES: values.size() == number of nodes.
  void append_frame(std::span<const float> values);
  void flush();
  void close();

 private:
  hdf5_handle group_;
  hdf5_handle data_;
  hdf5_handle time_;
  std::size_t columns_;
  double start_ms_, step_ms_;
  std::uint64_t frames_written_ = 0;
  std::vector<float> buffer_;
  std::string file_, path_;
};

class output_file {
 public:
  explicit output_file(std::filesystem::path final_path);
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  // Declaration phase (before start_streaming).
  spike_population& add_spike_population(const std::string& name, std::uint64_t node_count);
  frame_report& add_frame_report(const std::string& group, const std::string& variable,
                                 const std::string& units, const std::vector<std::uint64_t>& node_ids,
                                 double start_ms, double step_ms);
  void set_string_attribute(const std::string& group_path, const std::string& name, const std::string& value);
  void write_string_dataset(const std::string& path, const std::string& value);

  void start_streaming();
  void flush();
  // Closes the file and renames it onto the final path.
  void commit();
  // Closes the file complete and readable, but leaves it under its temporary name
  // (for an interrupted run); returns that path.
  std::filesystem::path keep_partial();

  const std::filesystem::path& temporary_path() const { return temp_path_; }

 private:
  hid_t group(const std::string& path);
  void close_all();

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::string name_;  // for messages
  hdf5_handle file_;
  std::vector<std::pair<std::string, hdf5_handle>> groups_;
  std::vector<std::unique_ptr<spike_population>> spikes_;
  std::vector<std::unique_ptr<frame_report>> reports_;
  bool streaming_ = false;
  bool closed_for_good_ = false;  // committed or kept: the destructor leaves the file alone
};

}  // namespace spikeq::io
