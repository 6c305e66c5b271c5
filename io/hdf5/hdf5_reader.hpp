// Minimal reading of HDF5 datasets and attributes, for tests and inspection tools.
// Numbers are converted by HDF5 to the requested type. Paths are absolute HDF5
// paths ("/spikes/exc/timestamps"); attributes are named by object path and name.
// Every failure throws hdf5_error naming the file and the path inside it.
//
// Opened with `swmr`, a file that a run is still writing can be read: each read
// refreshes the dataset first, so it sees everything flushed so far.
// open_recording_file() chooses between the two from the file's superblock, so that
// a damaged file fails at once instead of in HDF5's SWMR retry loop.
// Thread safety: a reader may be used by one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {

// A 2-D float dataset, row-major.
struct float_matrix {
  std::uint64_t rows = 0;
  std::uint64_t columns = 0;
  std::vector<float> values;  // rows * columns
  float at(std::uint64_t row, std::uint64_t column) const { return values.at(row * columns + column); }
};

// What an HDF5 datatype is, for checking dtypes.
struct hdf5_type_info {
  H5T_class_t type_class = H5T_NO_CLASS;  // H5T_INTEGER, H5T_FLOAT, H5T_STRING, H5T_ENUM, ...
  std::size_t size = 0;                   // bytes (for an enum: of its base integer)
  bool is_signed = false;                 // integers and enums
};

// Metadata read attempts of a SWMR reader (HDF5's default is 100). HDF5 sleeps
// between attempts with a doubling back-off, so N attempts on a checksum that never
// matches (a damaged file) wait about 2^N ns: measured on HDF5 1.10.8, a damaged
// superblock takes 0.014 s with 20 attempts, 1.1 s with 30, 34 s with 35 and more than
// 5 min with the default. 24 keeps a damaged file under ~0.05 s and still lets a
// reader retry a torn read of a live file for ~16 ms.
inline constexpr unsigned swmr_read_attempts = 24;

// What a file's HDF5 superblock says about who has it open.
struct superblock_status {
  bool found = false;         // an HDF5 signature at 0, 512, 1024, 2048, ...
  unsigned version = 0;       // superblock version (3: HDF5 >= 1.10's latest format)
  bool write_access = false;  // a writer has it open (or died without closing it)
  bool swmr_write = false;    // ... with SWMR writing (spikeq run's output while it runs)
};

// Reads the superblock's signature, version and file consistency flags (versions 2
// and 3 have them) with plain file reads; never throws (a missing or unreadable file
// gives found = false).
superblock_status read_superblock_status(const std::filesystem::path& path) noexcept;

class hdf5_reader;

// Opens a recording for reading, quickly also when the file is damaged: plainly, or,
// when its superblock marks it as being written with SWMR (a run in progress, or
// killed), as a SWMR reader with swmr_read_attempts metadata read attempts. Throws
// hdf5_error naming the file and saying why: missing, not HDF5, damaged or truncated,
// or open in a writer without SWMR.
hdf5_reader open_recording_file(const std::filesystem::path& path);

class hdf5_reader {
 public:
  // Opens read-only; with `swmr`, as a SWMR reader of a file still being written
  // (at most swmr_read_attempts attempts per metadata read). Throws hdf5_error
  // ("cannot open as HDF5 ...") for a missing or non-HDF5 file.
  explicit hdf5_reader(const std::filesystem::path& path, bool swmr = false);

  const std::string& file_name() const { return name_; }

  // Whether an object exists at `path` (false also when a parent is missing).
  bool exists(const std::string& path) const;
  // Names of the members of a group, in name order.
  std::vector<std::string> members(const std::string& group) const;
  // Shape of a dataset (empty for a scalar).
  std::vector<std::uint64_t> shape(const std::string& dataset) const;
  hdf5_type_info dataset_type(const std::string& dataset) const;

  // Whole datasets (any rank, flattened row-major).
  std::vector<double> read_doubles(const std::string& dataset) const;
  std::vector<float> read_floats(const std::string& dataset) const;
  std::vector<std::uint64_t> read_uint64s(const std::string& dataset) const;
  // Elements [offset, offset + count) of a 1-D dataset (for streaming, and for
  // peeking at the first and last values of large datasets). REQUIRES: the range
  // inside the dataset.
  std::vector<double> read_doubles(const std::string& dataset, std::uint64_t offset,
                                   std::uint64_t count) const;
  std::vector<float> read_floats(const std::string& dataset, std::uint64_t offset, std::uint64_t count) const;
  std::vector<std::uint64_t> read_uint64s(const std::string& dataset, std::uint64_t offset,
                                          std::uint64_t count) const;
  // A whole 2-D dataset, or rows [first_row, first_row + row_count) of it.
  float_matrix read_float_matrix(const std::string& dataset) const;
  float_matrix read_float_rows(const std::string& dataset, std::uint64_t first_row,
                               std::uint64_t row_count) const;
  // A scalar string dataset (fixed or variable length).
  std::string read_string(const std::string& dataset) const;

  bool has_attribute(const std::string& object, const std::string& name) const;
  std::string string_attribute(const std::string& object, const std::string& name) const;
  // Integer (or uint8-based enum) attribute values; a scalar gives one value.
  std::vector<std::uint64_t> integer_attribute(const std::string& object, const std::string& name) const;
  std::vector<double> double_attribute(const std::string& object, const std::string& name) const;
  // HDF5 type class of an attribute (H5T_ENUM, H5T_STRING, ...).
  H5T_class_t attribute_class(const std::string& object, const std::string& name) const;
  hdf5_type_info attribute_type(const std::string& object, const std::string& name) const;
  // Members of an enum attribute as (name, value), in declaration order.
  std::vector<std::pair<std::string, std::int64_t>> enum_members(const std::string& object,
                                                                 const std::string& name) const;

 private:
  hdf5_handle open_dataset(const std::string& dataset) const;
  hdf5_handle open_attribute(const std::string& object, const std::string& name) const;
  template <typename T>
  std::vector<T> read(const std::string& dataset, hid_t memory_type) const;
  template <typename T>
  std::vector<T> read_range(const std::string& dataset, hid_t memory_type, std::uint64_t offset,
                            std::uint64_t count) const;

  std::string name_;
  bool swmr_;
  hdf5_handle file_;
};

}  // namespace spikeq::io
