#include "io/hdf5/hdf5_write.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <stdexcept>

#include "io/hdf5/chunk_filter.hpp"
#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io::hdf5_write {

namespace {

hdf5_handle utf8_string_type(const std::string& file, const std::string& path) {
  auto type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file, path, "cannot create a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), file, path, "cannot size a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, path, "cannot set a character set");
  return type;
}

// Creates attribute `name` of `object`, deleting an existing one of that name first.
hdf5_handle create_attribute(hid_t object, const std::string& name, hid_t type, hid_t space,
                             const std::string& file, const std::string& where) {
  const htri_t exists = H5Aexists(object, name.c_str());
  check(exists, file, where, "cannot look up an attribute");
  if (exists > 0) check(H5Adelete(object, name.c_str()), file, where, "cannot replace an attribute");
  return checked(H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file,
                 where, "cannot create an attribute");
}

}  // namespace

hdf5_handle open_or_create_group(hid_t parent, const std::string& name, const std::string& file,
                                 const std::string& path) {
  const htri_t exists = H5Lexists(parent, name.c_str(), H5P_DEFAULT);
  check(exists, file, path, "cannot look up a group");
  if (exists > 0)
    return checked(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, file, path,
                   "cannot open a group (is it a dataset?)");
  return create_group(parent, name, file, path);
}

hdf5_handle create_group(hid_t parent, const std::string& name, const std::string& file,
                         const std::string& path) {
  return checked(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, file,
                 path, "cannot create a group");
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value,
                            const std::string& file, const std::string& path) {
  const std::string where = path + "@" + name;
  auto type = utf8_string_type(file, where);
  auto space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, where, "cannot create a dataspace");
  auto attr = create_attribute(object, name, type.get(), space.get(), file, where);
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), file, where, "cannot write an attribute");
}

void write_numeric_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                             const void* values, std::size_t count, bool scalar, const std::string& file,
                             const std::string& path) {
  const std::string where = path + "@" + name;
  if (scalar && count != 1) throw std::invalid_argument(file + ":" + where + ": a scalar needs one value");
  const hsize_t n = count;
  auto space = checked(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose, file,
                       where, "cannot create a dataspace");
  auto attr = create_attribute(object, name, file_type, space.get(), file, where);
  if (count > 0) check(H5Awrite(attr.get(), memory_type, values), file, where, "cannot write an attribute");
}

void write_sorting_attribute(hid_t group, spike_sorting value, const std::string& file,
                             const std::string& path) {
  const std::string where = path + "@sorting";
  // An enum, not a string: libsonata rejects the string form (formats.md).
  auto type = checked(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose, file, where, "cannot create an enum type");
  const std::array<std::pair<const char*, spike_sorting>, 3> members{
      {{"none", spike_sorting::none}, {"by_id", spike_sorting::by_id}, {"by_time", spike_sorting::by_time}}};
  for (const auto& [label, member] : members) {
    const auto raw = static_cast<std::uint8_t>(member);
    check(H5Tenum_insert(type.get(), label, &raw), file, where, "cannot build the sorting enum");
  }
  auto space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, where, "cannot create a dataspace");
  auto attr = create_attribute(group, "sorting", type.get(), space.get(), file, where);
  const auto raw = static_cast<std::uint8_t>(value);
  check(H5Awrite(attr.get(), type.get(), &raw), file, where, "cannot write an attribute");
}

hdf5_handle write_fixed_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t memory_type,
                                const void* values, std::size_t count, const std::string& file,
                                const std::string& path) {
  const hsize_t n = count;
  auto space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, file, path, "cannot create a dataspace");
  auto ds =
      checked(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose, file, path, "cannot create a dataset");
  if (count > 0)
    check(H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), file, path, "cannot write");
  return ds;
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value,
                          const std::string& file, const std::string& path) {
  auto type = utf8_string_type(file, path);
  auto space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, path, "cannot create a dataspace");
  auto ds = checked(
      H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose, file, path, "cannot create a dataset");
  const char* data = value.c_str();
  check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), file, path, "cannot write");
}

template <typename T>
appendable_dataset<T>::appendable_dataset(hid_t parent, const std::string& name, std::size_t row_width,
                                          std::string file, std::string path)
    : rank_(row_width == 0 ? 1 : 2),
      width_(std::max<std::size_t>(row_width, 1)),
      file_(std::move(file)),
      path_(std::move(path)) {
  // A chunk spans at most chunk_elements columns and as many rows as fit in chunk_elements.
  const hsize_t chunk_columns = std::min(width_, chunk_elements);
  chunk_rows_ = std::max<std::uint64_t>(1, chunk_elements / chunk_columns);
  // Raw chunks skip HDF5's type conversion: the file types are little-endian.
  filter_whole_chunks_ = chunk_columns == width_ && std::endian::native == std::endian::little;
  const std::array<hsize_t, 2> initial{0, width_};
  const std::array<hsize_t, 2> maximum{H5S_UNLIMITED, width_};
  const std::array<hsize_t, 2> chunk{chunk_rows_, chunk_columns};
  auto space = checked(H5Screate_simple(rank_, initial.data(), maximum.data()), H5Sclose, file_, path_,
                       "cannot create a dataspace");
  auto plist =
      checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, file_, path_, "cannot create a property list");
  check(H5Pset_chunk(plist.get(), rank_, chunk.data()), file_, path_, "cannot set chunking");
  check(H5Pset_shuffle(plist.get()), file_, path_, "cannot set the shuffle filter");
  check(H5Pset_deflate(plist.get(), deflate_level), file_, path_, "cannot set deflate");
  dataset_ = checked(H5Dcreate2(parent, name.c_str(), hdf5_type<T>::file(), space.get(), H5P_DEFAULT,
                                plist.get(), H5P_DEFAULT),
                     H5Dclose, file_, path_, "cannot create a dataset");
}

template <typename T>
void appendable_dataset<T>::append(std::span<const T> values) {
  if (!dataset_.valid())
    throw std::logic_error(file_ + ":" + path_ + ": appended to after the output file was closed");
  if (values.size() % width_ != 0)
    throw std::invalid_argument(file_ + ":" + path_ + ": " + std::to_string(values.size()) +
                                " values are not whole rows of " + std::to_string(width_));
  if (buffer_.capacity() == 0) buffer_.reserve(chunk_rows_ * width_);
  buffer_.insert(buffer_.end(), values.begin(), values.end());
  // Write up to the last chunk boundary reached; keep the partial chunk buffered.
  const std::uint64_t boundary = rows() / chunk_rows_ * chunk_rows_;
  std::uint64_t handed_over = rows() - buffer_.size() / width_;
  if (boundary <= handed_over) return;
  // A flush may have left the file's rows off a chunk boundary: complete that chunk.
  const std::uint64_t off_boundary = handed_over % chunk_rows_;
  if (!filter_whole_chunks_ || off_boundary != 0) {
    const std::uint64_t completing =
        filter_whole_chunks_ ? chunk_rows_ - off_boundary : boundary - handed_over;
    write_front(completing);
    handed_over += completing;
  }
  for (; handed_over < boundary; handed_over += chunk_rows_) filter_front_chunk();
}

template <typename T>
void appendable_dataset<T>::filter_front_chunk() {
  const auto elements = static_cast<std::ptrdiff_t>(chunk_rows_ * width_);
  std::vector<T> chunk(buffer_.begin(), buffer_.begin() + elements);
  buffer_.erase(buffer_.begin(), buffer_.begin() + elements);
  in_flight_.push_back(std::async(std::launch::async, [chunk = std::move(chunk)] {
    return shuffle_and_deflate(chunk.data(), chunk.size() * sizeof(T), sizeof(T));
  }));
  // The previous chunk had a whole chunk's filling time: it is done, or nearly.
  while (in_flight_.size() > 1) write_oldest_chunk();
}

template <typename T>
void appendable_dataset<T>::write_oldest_chunk() {
  std::future<std::vector<unsigned char>> oldest = std::move(in_flight_.front());
  in_flight_.pop_front();
  std::vector<unsigned char> bytes;
  try {
    bytes = oldest.get();
  } catch (const std::exception& e) {
    throw hdf5_error(file_, path_, std::string("cannot compress a chunk: ") + e.what());
  }
  const std::array<hsize_t, 2> extent{written_ + chunk_rows_, width_};
  check(H5Dset_extent(dataset_.get(), extent.data()), file_, path_, "cannot extend a dataset");
  const std::array<hsize_t, 2> offset{written_, 0};
  check(H5Dwrite_chunk(dataset_.get(), H5P_DEFAULT, 0, offset.data(), bytes.size(), bytes.data()), file_,
        path_, "cannot write a chunk");
  written_ += chunk_rows_;
}

template <typename T>
void appendable_dataset<T>::flush() {
  if (!dataset_.valid()) return;
  while (!in_flight_.empty()) write_oldest_chunk();
  if (!buffer_.empty()) write_front(buffer_.size() / width_);
}

template <typename T>
void appendable_dataset<T>::write_front(std::uint64_t rows) {
  const std::array<hsize_t, 2> extent{written_ + rows, width_};
  check(H5Dset_extent(dataset_.get(), extent.data()), file_, path_, "cannot extend a dataset");
  auto file_space = checked(H5Dget_space(dataset_.get()), H5Sclose, file_, path_, "cannot get a dataspace");
  const std::array<hsize_t, 2> start{written_, 0};
  const std::array<hsize_t, 2> count{rows, width_};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        file_, path_, "cannot select rows");
  const hsize_t elements = rows * width_;
  auto memory_space =
      checked(H5Screate_simple(1, &elements, nullptr), H5Sclose, file_, path_, "cannot create a dataspace");
  check(H5Dwrite(dataset_.get(), hdf5_type<T>::memory(), memory_space.get(), file_space.get(), H5P_DEFAULT,
                 buffer_.data()),
        file_, path_, "cannot write");
  written_ += rows;
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(elements));
}

template <typename T>
herr_t appendable_dataset<T>::close() noexcept {
  in_flight_.clear();  // waits for the workers
  buffer_.clear();
  return dataset_.close();
}

template <typename T>
std::vector<T> appendable_dataset<T>::restore_from(const hdf5_reader& source) {
  if (!source.exists(path_))
    throw hdf5_error(source.file_name(), path_, "the checkpoint's recording lacks it");
  const std::vector<std::uint64_t> shape = source.shape(path_);
  if (shape.size() != static_cast<std::size_t>(rank_) || (rank_ == 2 && shape[1] != width_))
    throw hdf5_error(source.file_name(), path_, "the checkpoint's recording has another shape");
  std::vector<T> rows_read;
  for (std::uint64_t first = 0; first < shape[0]; first += chunk_rows_) {
    const std::uint64_t count = std::min<std::uint64_t>(chunk_rows_, shape[0] - first);
    if constexpr (std::is_same_v<T, float>) {
      rows_read = rank_ == 2 ? source.read_float_rows(path_, first, count).values
                             : source.read_floats(path_, first, count);
    } else if constexpr (std::is_same_v<T, double>) {
      rows_read = source.read_doubles(path_, first, count);
    } else {
      rows_read = source.read_uint64s(path_, first, count);
    }
    append(rows_read);
  }
  if (rows_read.size() < width_) return {};
  return {rows_read.end() - static_cast<std::ptrdiff_t>(width_), rows_read.end()};
}

template class appendable_dataset<double>;
template class appendable_dataset<float>;
template class appendable_dataset<std::uint64_t>;

}  // namespace spikeq::io::hdf5_write
