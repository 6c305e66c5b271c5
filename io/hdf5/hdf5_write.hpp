// Writing building blocks shared by output_file, spike_population and
// frame_report: groups, attributes, small fixed datasets, the SONATA `sorting`
// enum, and appendable_dataset (a chunked, extendible dataset that buffers).
//
// Every function throws hdf5_error naming `file` and `path` (the HDF5 path of the
// object being written) on failure.
// Thread safety: none beyond HDF5's own lock; one writer thread per file.
#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_handle.hpp"

namespace spikeq::io {
class hdf5_reader;
}

namespace spikeq::io::hdf5_write {

// About this many elements per chunk (formats.md: ~64 Ki, shuffle + deflate 4).
inline constexpr std::size_t chunk_elements = std::size_t{1} << 16;

// SONATA's spike `sorting` attribute values (an HDF5 enum on uint8 in the file).
enum class spike_sorting : std::uint8_t { none = 0, by_id = 1, by_time = 2 };

// The file type (fixed little-endian, as SONATA files are) and the memory type of T.
template <typename T>
struct hdf5_type;
template <>
struct hdf5_type<double> {
  static hid_t file() { return H5T_IEEE_F64LE; }
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
};
template <>
struct hdf5_type<float> {
  static hid_t file() { return H5T_IEEE_F32LE; }
  static hid_t memory() { return H5T_NATIVE_FLOAT; }
};
template <>
struct hdf5_type<std::uint64_t> {
  static hid_t file() { return H5T_STD_U64LE; }
  static hid_t memory() { return H5T_NATIVE_UINT64; }
};
template <>
struct hdf5_type<std::uint32_t> {
  static hid_t file() { return H5T_STD_U32LE; }
  static hid_t memory() { return H5T_NATIVE_UINT32; }
};

// Opens group `name` of `parent`, creating it if it does not exist.
hdf5_handle open_or_create_group(hid_t parent, const std::string& name, const std::string& file,
                                 const std::string& path);
// Creates group `name` of `parent`; fails if it exists.
hdf5_handle create_group(hid_t parent, const std::string& name, const std::string& file,
                         const std::string& path);

// A list of names as spikeq stores it in one string attribute (outcome_names, /live's
// name lists): comma-separated, in order.
inline std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

// Writes attribute `name` of `object` as a variable-length UTF-8 string (replacing
// an attribute of that name).
void write_string_attribute(hid_t object, const std::string& name, const std::string& value,
                            const std::string& file, const std::string& path);
// Writes a numeric attribute: scalar when `scalar`, else a 1-D array of values.size().
// REQUIRES: scalar implies values.size() == 1.
void write_numeric_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                             const void* values, std::size_t count, bool scalar, const std::string& file,
                             const std::string& path);
template <typename T>
void write_scalar_attribute(hid_t object, const std::string& name, T value, const std::string& file,
                            const std::string& path) {
  write_numeric_attribute(object, name, hdf5_type<T>::file(), hdf5_type<T>::memory(), &value, 1, true, file,
                          path);
}
template <typename T>
void write_array_attribute(hid_t object, const std::string& name, std::span<const T> values,
                           const std::string& file, const std::string& path) {
  write_numeric_attribute(object, name, hdf5_type<T>::file(), hdf5_type<T>::memory(), values.data(),
                          values.size(), false, file, path);
}
// Writes `sorting` of `group` as SONATA's enum on uint8 {none, by_id, by_time}.
void write_sorting_attribute(hid_t group, spike_sorting value, const std::string& file,
                             const std::string& path);

// Creates a contiguous 1-D dataset `name` of `parent` holding `values`; returns it open.
hdf5_handle write_fixed_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t memory_type,
                                const void* values, std::size_t count, const std::string& file,
                                const std::string& path);
template <typename T>
hdf5_handle write_fixed_dataset(hid_t parent, const std::string& name, std::span<const T> values,
                                const std::string& file, const std::string& path) {
  return write_fixed_dataset(parent, name, hdf5_type<T>::file(), hdf5_type<T>::memory(), values.data(),
                             values.size(), file, path);
}
// Creates a scalar variable-length UTF-8 string dataset `name` of `parent`.
void write_string_dataset(hid_t parent, const std::string& name, const std::string& value,
                          const std::string& file, const std::string& path);

// A chunked dataset that grows along its first dimension: 1-D [rows] when the row
// width is 0, else 2-D [rows x width]. Rows are buffered and written in whole,
// chunk-aligned batches; flush() writes the rest. A whole chunk that starts on a chunk
// boundary (and spans every column) is filtered on a worker thread (chunk_filter.hpp)
// and written when the next one is handed over, or at flush(): the caller does not
// wait for zlib.
// Invariants: rows_written() rows are in the file; at most one filtered chunk is in
// flight after append(), then the buffered rows, in order; fewer than one chunk of
// rows stays buffered after append().
// T is double, float or std::uint64_t.
template <typename T>
class appendable_dataset {
 public:
  appendable_dataset(hid_t parent, const std::string& name, std::size_t row_width, std::string file,
                     std::string path);

  // Appends rows, row-major. REQUIRES: values.size() a multiple of the row width
  // (std::invalid_argument otherwise); the dataset not closed (std::logic_error).
  void append(std::span<const T> values);
  // Writes every buffered row to the file (no H5Fflush).
  void flush();
  // Closes the dataset; returns the H5Dclose status. Buffered rows are dropped.
  herr_t close() noexcept;
  // Appends every row of the dataset at the same path in `source` (a recording of
  // the same network cut at a checkpoint), chunk by chunk; returns its last row
  // (empty when it has none). Throws hdf5_error when the shapes differ.
  std::vector<T> restore_from(const hdf5_reader& source);

  std::uint64_t rows_written() const { return written_; }
  std::uint64_t rows() const { return written_ + in_flight_.size() * chunk_rows_ + buffer_.size() / width_; }
  hid_t id() const { return dataset_.get(); }
  const std::string& path() const { return path_; }

 private:
  void write_front(std::uint64_t rows);  // the first `rows` buffered rows
  void filter_front_chunk();             // hands the first chunk_rows_ buffered rows to a worker
  void write_oldest_chunk();             // waits for the oldest chunk in flight and writes it

  hdf5_handle dataset_;
  int rank_;
  std::size_t width_;  // elements per row (1 for a 1-D dataset)
  std::uint64_t chunk_rows_;
  std::uint64_t written_ = 0;
  bool filter_whole_chunks_;  // chunks span every column and the file's byte order is the host's
  std::deque<std::future<std::vector<unsigned char>>> in_flight_;  // filtered chunks, oldest first
  std::vector<T> buffer_;
  std::string file_, path_;
};

extern template class appendable_dataset<double>;
extern template class appendable_dataset<float>;
extern template class appendable_dataset<std::uint64_t>;

}  // namespace spikeq::io::hdf5_write
