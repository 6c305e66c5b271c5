// Minimal reading of HDF5 datasets and attributes (tests, inspection tools).
// Every failure throws hdf5_error naming the file and the path inside it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

class hdf5_reader {
 public:
  // Opens read-only; with `swmr` a file still being written can be read.
  explicit hdf5_reader(const std::filesystem::path& path, bool swmr = false);

  bool exists(const std::string& path) const;
  // Names of the members of a group.
  std::vector<std::string> members(const std::string& group) const;
  // Shape of a dataset.
  std::vector<std::uint64_t> shape(const std::string& dataset) const;

  // Whole datasets, converted to the requested type by HDF5.
  std::vector<double> read_doubles(const std::string& dataset) const;
  std::vector<float> read_floats(const std::string& dataset) const;
  std::vector<std::uint64_t> read_uint64s(const std::string& dataset) const;
  // Elements [offset, offset + count) of a 1-D dataset (for streaming and for peeking
  // at the first and last values of large datasets).
  std::vector<double> read_doubles(const std::string& dataset, std::uint64_t offset,
                                   std::uint64_t count) const;
  std::vector<std::uint64_t> read_uint64s(const std::string& dataset, std::uint64_t offset,
                                          std::uint64_t count) const;
  std::string read_string(const std::string& dataset) const;

  std::string string_attribute(const std::string& object, const std::string& name) const;
  std::vector<std::uint64_t> integer_attribute(const std::string& object, const std::string& name) const;
  bool has_attribute(const std::string& object, const std::string& name) const;
  // HDF5 type class of an attribute (H5T_ENUM, H5T_STRING, ...).
  H5T_class_t attribute_class(const std::string& object, const std::string& name) const;

 private:
  template <typename T>
  std::vector<T> read(const std::string& dataset, hid_t memory_type) const;
  template <typename T>
  std::vector<T> read_range(const std::string& dataset, hid_t memory_type, std::uint64_t offset,
                            std::uint64_t count) const;
  hdf5_handle open_attribute(const std::string& object, const std::string& name) const;

  std::string name_;
  hdf5_handle file_;
};

}  // namespace spikeq::io
