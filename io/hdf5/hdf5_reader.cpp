#include "io/hdf5/hdf5_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <new>
#include <stdexcept>

#include "io/hdf5/variable_string_read.hpp"

namespace spikeq::io {

namespace {

std::string attribute_path(const std::string& object, const std::string& name) { return object + "@" + name; }

hdf5_type_info describe(hid_t type) {
  hdf5_type_info info;
  info.type_class = H5Tget_class(type);
  info.size = H5Tget_size(type);
  if (info.type_class == H5T_INTEGER) info.is_signed = H5Tget_sign(type) == H5T_SGN_2;
  if (info.type_class == H5T_ENUM) {
    const hdf5_handle base(H5Tget_super(type), H5Tclose);
    info.is_signed = base.valid() && H5Tget_sign(base.get()) == H5T_SGN_2;
  }
  return info;
}

std::string read_string_from(hid_t file_id, hid_t object, hid_t type, bool is_attribute,
                             const std::string& file, const std::string& path) {
  // One string is read into one buffer: anything but one element would overrun it.
  auto space = checked(is_attribute ? H5Aget_space(object) : H5Dget_space(object), H5Sclose, file, path,
                       "cannot get the dataspace");
  if (H5Sget_simple_extent_npoints(space.get()) != 1) throw hdf5_error(file, path, "not a single string");
  if (H5Tis_variable_str(type) > 0) return read_variable_string(file_id, object, is_attribute, file, path);
  auto memory_type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file, path, "cannot create a string type");
  // HDF5 converts no strings between character sets: read in the stored one.
  check(H5Tset_cset(memory_type.get(), H5Tget_cset(type)), file, path, "cannot set a character set");
  const std::size_t size = H5Tget_size(type);
  if (size == 0 || size > (std::size_t{1} << 30))  // a damaged datatype
    throw hdf5_error(file, path,
                     "implausible string size " + std::to_string(size) + " (is the file damaged?)");
  check(H5Tset_size(memory_type.get(), size + 1), file, path, "cannot size a string type");
  std::string value(size + 1, '\0');
  check(is_attribute ? H5Aread(object, memory_type.get(), value.data())
                     : H5Dread(object, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.data()),
        file, path, "cannot read a string");
  value.resize(std::min(value.find('\0'), size));
  return value;
}

// A buffer of `count` elements for a dataset read; a count beyond memory (a damaged
// file's dataspace, typically) is an hdf5_error rather than std::bad_alloc.
template <typename T>
std::vector<T> buffer_for(std::uint64_t count, const std::string& file, const std::string& path) {
  try {
    if (count > std::vector<T>().max_size()) throw std::length_error("too long");
    return std::vector<T>(static_cast<std::size_t>(count));
  } catch (const std::exception&) {  // std::bad_alloc, std::length_error
    throw hdf5_error(file, path,
                     std::to_string(count) + " elements do not fit in memory (is the file damaged?)");
  }
}

}  // namespace

superblock_status read_superblock_status(const std::filesystem::path& path) noexcept {
  // File format specification, "Superblock": the signature at 0 or at 512 * 2^k; then
  // the version (byte 8); versions 2 and 3 keep the file consistency flags in byte 11
  // (bit 0: open for writing, bit 2: open for SWMR writing).
  static constexpr unsigned char signature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  superblock_status status;
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) return status;
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
    for (std::uint64_t at = 0; at + 12 <= size; at = at == 0 ? 512 : at * 2) {
      std::array<unsigned char, 12> head{};
      in.seekg(static_cast<std::streamoff>(at));
      if (!in.read(reinterpret_cast<char*>(head.data()), head.size())) return status;
      if (!std::equal(std::begin(signature), std::end(signature), head.begin())) continue;
      status.found = true;
      status.version = head[8];
      if (status.version >= 2) {
        status.write_access = (head[11] & 0x01) != 0;
        status.swmr_write = (head[11] & 0x04) != 0;
      }
      return status;
    }
  } catch (const std::exception&) {
  }
  return status;
}

hdf5_reader open_recording_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw hdf5_error(name, "", "cannot open as HDF5: no such file");
  if (std::filesystem::is_directory(path, ec))
    throw hdf5_error(name, "", "cannot open as HDF5: a directory, not a recording");
  const superblock_status status = read_superblock_status(path);
  if (!status.found)
    throw hdf5_error(name, "",
                     "cannot open as HDF5: no HDF5 signature (another format, or damaged or truncated "
                     "at its start)");
  // Only a file marked as being written with SWMR is opened as a SWMR reader: SWMR
  // reads retry (and sleep) on every checksum mismatch, which a damaged file never cures.
  const bool swmr = status.version >= 3 && status.swmr_write;
  try {
    return hdf5_reader(path, swmr);
  } catch (const hdf5_error& e) {
    const std::string why = e.what();
    const auto detail = why.find(" (HDF5: ");
    const std::string hdf5_says = detail == std::string::npos ? "" : why.substr(detail);
    if (status.write_access && !swmr)
      throw hdf5_error(name, "",
                       "cannot open as HDF5: marked as open by a writer without SWMR (still being written, "
                       "or left so by a crash: h5clear -s clears the mark)" +
                           hdf5_says);
    throw hdf5_error(
        name, "",
        std::string("cannot open as HDF5: the file is damaged or truncated") +
            (swmr ? " (opened as a SWMR reader: its superblock marks it as being written)" : "") + hdf5_says);
  }
}

hdf5_reader::hdf5_reader(const std::filesystem::path& path, bool swmr) : name_(path.string()), swmr_(swmr) {
  silence_hdf5_errors();
  const unsigned flags = H5F_ACC_RDONLY | (swmr ? H5F_ACC_SWMR_READ : 0u);
  auto access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, name_, "", "cannot create a property list");
  if (swmr)
    check(H5Pset_metadata_read_attempts(access.get(), swmr_read_attempts), name_, "",
          "cannot bound the metadata read attempts");
  file_ = checked(H5Fopen(name_.c_str(), flags, access.get()), H5Fclose, name_, "",
                  "cannot open as HDF5 (missing, not HDF5, or still being written without SWMR)");
}

bool hdf5_reader::exists(const std::string& path) const {
  if (path == "/") return true;
  // Check each level so that a missing parent is not an error.
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    if (H5Lexists(file_.get(), path.substr(0, next).c_str(), H5P_DEFAULT) <= 0) return false;
    pos = next + 1;
  }
  return true;
}

std::vector<std::string> hdf5_reader::members(const std::string& group) const {
  auto g = checked(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT), H5Gclose, name_, group,
                   "cannot open the group");
  H5G_info_t info;
  check(H5Gget_info(g.get(), &info), name_, group, "cannot read the group");
  std::vector<std::string> names;
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    const ssize_t size =
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
    check(size < 0 ? -1 : 0, name_, group, "cannot read a member name");
    std::string name(static_cast<std::size_t>(size), '\0');
    check(H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, name.data(), name.size() + 1,
                             H5P_DEFAULT) < 0
              ? -1
              : 0,
          name_, group, "cannot read a member name");
    names.push_back(std::move(name));
  }
  return names;
}

hdf5_handle hdf5_reader::open_dataset(const std::string& dataset) const {
  auto ds = checked(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, name_, dataset,
                    "no such dataset");
  // A SWMR reader sees what the writer flushed since the dataset was last opened.
  if (swmr_) check(H5Drefresh(ds.get()), name_, dataset, "cannot refresh the dataset");
  return ds;
}

std::vector<std::uint64_t> hdf5_reader::shape(const std::string& dataset) const {
  auto ds = open_dataset(dataset);
  auto space = checked(H5Dget_space(ds.get()), H5Sclose, name_, dataset, "cannot get the dataspace");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  check(rank, name_, dataset, "cannot get the rank");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), name_, dataset, "cannot get the shape");
  return {dims.begin(), dims.end()};
}

hdf5_type_info hdf5_reader::dataset_type(const std::string& dataset) const {
  auto ds = open_dataset(dataset);
  auto type = checked(H5Dget_type(ds.get()), H5Tclose, name_, dataset, "cannot get the type");
  return describe(type.get());
}

template <typename T>
std::vector<T> hdf5_reader::read(const std::string& dataset, hid_t memory_type) const {
  auto ds = open_dataset(dataset);
  auto space = checked(H5Dget_space(ds.get()), H5Sclose, name_, dataset, "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  check(n < 0 ? -1 : 0, name_, dataset, "cannot get the size");
  auto values = buffer_for<T>(static_cast<std::uint64_t>(n), name_, dataset);
  if (!values.empty())
    check(H5Dread(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), name_, dataset,
          "cannot read (wrong type?)");
  return values;
}

std::vector<double> hdf5_reader::read_doubles(const std::string& d) const {
  return read<double>(d, H5T_NATIVE_DOUBLE);
}
std::vector<float> hdf5_reader::read_floats(const std::string& d) const {
  return read<float>(d, H5T_NATIVE_FLOAT);
}
std::vector<std::uint64_t> hdf5_reader::read_uint64s(const std::string& d) const {
  return read<std::uint64_t>(d, H5T_NATIVE_UINT64);
}

template <typename T>
std::vector<T> hdf5_reader::read_range(const std::string& dataset, hid_t memory_type, std::uint64_t offset,
                                       std::uint64_t count) const {
  auto ds = open_dataset(dataset);
  auto space = checked(H5Dget_space(ds.get()), H5Sclose, name_, dataset, "cannot get the dataspace");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank != 1 && rank != 2) throw hdf5_error(name_, dataset, "not a 1-D or 2-D dataset");
  std::array<hsize_t, 2> dims{0, 1};
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), name_, dataset, "cannot get the shape");
  if (offset > dims[0] || count > dims[0] - offset)
    throw hdf5_error(name_, dataset,
                     "range [" + std::to_string(offset) + ", " + std::to_string(offset + count) +
                         ") beyond the end of the dataset (" + std::to_string(dims[0]) + ")");
  if (dims[1] != 0 && count > std::numeric_limits<std::uint64_t>::max() / dims[1])
    throw hdf5_error(name_, dataset, "too many elements (is the file damaged?)");
  auto values = buffer_for<T>(count * dims[1], name_, dataset);
  if (values.empty()) return values;
  const std::array<hsize_t, 2> start{offset, 0};
  const std::array<hsize_t, 2> rows{count, dims[1]};
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, rows.data(), nullptr), name_,
        dataset, "cannot select");
  const hsize_t n = values.size();
  auto memory =
      checked(H5Screate_simple(1, &n, nullptr), H5Sclose, name_, dataset, "cannot create a dataspace");
  check(H5Dread(ds.get(), memory_type, memory.get(), space.get(), H5P_DEFAULT, values.data()), name_, dataset,
        "cannot read (wrong type?)");
  return values;
}

std::vector<double> hdf5_reader::read_doubles(const std::string& dataset, std::uint64_t offset,
                                              std::uint64_t count) const {
  if (shape(dataset).size() != 1) throw hdf5_error(name_, dataset, "not a 1-D dataset");
  return read_range<double>(dataset, H5T_NATIVE_DOUBLE, offset, count);
}

std::vector<float> hdf5_reader::read_floats(const std::string& dataset, std::uint64_t offset,
                                            std::uint64_t count) const {
  if (shape(dataset).size() != 1) throw hdf5_error(name_, dataset, "not a 1-D dataset");
  return read_range<float>(dataset, H5T_NATIVE_FLOAT, offset, count);
}

std::vector<std::uint64_t> hdf5_reader::read_uint64s(const std::string& dataset, std::uint64_t offset,
                                                     std::uint64_t count) const {
  if (shape(dataset).size() != 1) throw hdf5_error(name_, dataset, "not a 1-D dataset");
  return read_range<std::uint64_t>(dataset, H5T_NATIVE_UINT64, offset, count);
}

float_matrix hdf5_reader::read_float_matrix(const std::string& dataset) const {
  const auto dims = shape(dataset);
  if (dims.size() != 2) throw hdf5_error(name_, dataset, "not a 2-D dataset");
  return read_float_rows(dataset, 0, dims[0]);
}

float_matrix hdf5_reader::read_float_rows(const std::string& dataset, std::uint64_t first_row,
                                          std::uint64_t row_count) const {
  const auto dims = shape(dataset);
  if (dims.size() != 2) throw hdf5_error(name_, dataset, "not a 2-D dataset");
  return {row_count, dims[1], read_range<float>(dataset, H5T_NATIVE_FLOAT, first_row, row_count)};
}

std::string hdf5_reader::read_string(const std::string& dataset) const {
  auto ds = open_dataset(dataset);
  auto type = checked(H5Dget_type(ds.get()), H5Tclose, name_, dataset, "cannot get the type");
  if (H5Tget_class(type.get()) != H5T_STRING) throw hdf5_error(name_, dataset, "not a string");
  return read_string_from(file_.get(), ds.get(), type.get(), false, name_, dataset);
}

bool hdf5_reader::has_attribute(const std::string& object, const std::string& name) const {
  return exists(object) && H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

hdf5_handle hdf5_reader::open_attribute(const std::string& object, const std::string& name) const {
  return checked(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose, name_, attribute_path(object, name), "no such attribute");
}

std::string hdf5_reader::string_attribute(const std::string& object, const std::string& name) const {
  const auto where = attribute_path(object, name);
  auto attr = open_attribute(object, name);
  auto type = checked(H5Aget_type(attr.get()), H5Tclose, name_, where, "cannot get the type");
  if (H5Tget_class(type.get()) != H5T_STRING) throw hdf5_error(name_, where, "not a string");
  return read_string_from(file_.get(), attr.get(), type.get(), true, name_, where);
}

std::vector<std::uint64_t> hdf5_reader::integer_attribute(const std::string& object,
                                                          const std::string& name) const {
  const auto where = attribute_path(object, name);
  auto attr = open_attribute(object, name);
  auto space = checked(H5Aget_space(attr.get()), H5Sclose, name_, where, "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  check(n < 0 ? -1 : 0, name_, where, "cannot get the size");
  auto values = buffer_for<std::uint64_t>(static_cast<std::uint64_t>(n), name_, where);
  auto type = checked(H5Aget_type(attr.get()), H5Tclose, name_, where, "cannot get the type");
  if (H5Tget_class(type.get()) == H5T_ENUM) {
    // HDF5 converts no enum to an integer: read in the enum's own type, then
    // convert its base integer type in place.
    auto base = checked(H5Tget_super(type.get()), H5Tclose, name_, where, "cannot get the enum base");
    if (H5Tget_size(type.get()) > sizeof(std::uint64_t)) throw hdf5_error(name_, where, "enum too wide");
    check(H5Aread(attr.get(), type.get(), values.data()), name_, where, "cannot read");
    check(H5Tconvert(base.get(), H5T_NATIVE_UINT64, values.size(), values.data(), nullptr, H5P_DEFAULT),
          name_, where, "cannot convert the enum values");
    return values;
  }
  check(H5Aread(attr.get(), H5T_NATIVE_UINT64, values.data()), name_, where, "cannot read (not an integer?)");
  return values;
}

std::vector<double> hdf5_reader::double_attribute(const std::string& object, const std::string& name) const {
  const auto where = attribute_path(object, name);
  auto attr = open_attribute(object, name);
  auto space = checked(H5Aget_space(attr.get()), H5Sclose, name_, where, "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  check(n < 0 ? -1 : 0, name_, where, "cannot get the size");
  auto values = buffer_for<double>(static_cast<std::uint64_t>(n), name_, where);
  check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, values.data()), name_, where, "cannot read (not a number?)");
  return values;
}

H5T_class_t hdf5_reader::attribute_class(const std::string& object, const std::string& name) const {
  return attribute_type(object, name).type_class;
}

hdf5_type_info hdf5_reader::attribute_type(const std::string& object, const std::string& name) const {
  auto attr = open_attribute(object, name);
  auto type =
      checked(H5Aget_type(attr.get()), H5Tclose, name_, attribute_path(object, name), "cannot get the type");
  return describe(type.get());
}

std::vector<std::pair<std::string, std::int64_t>> hdf5_reader::enum_members(const std::string& object,
                                                                            const std::string& name) const {
  const auto where = attribute_path(object, name);
  auto attr = open_attribute(object, name);
  auto type = checked(H5Aget_type(attr.get()), H5Tclose, name_, where, "cannot get the type");
  if (H5Tget_class(type.get()) != H5T_ENUM) throw hdf5_error(name_, where, "not an enum");
  auto base = checked(H5Tget_super(type.get()), H5Tclose, name_, where, "cannot get the enum base");
  const int n = H5Tget_nmembers(type.get());
  check(n, name_, where, "cannot count the enum members");
  std::vector<std::pair<std::string, std::int64_t>> members;
  for (int k = 0; k < n; ++k) {
    char* label = H5Tget_member_name(type.get(), static_cast<unsigned>(k));
    if (label == nullptr) throw hdf5_error(name_, where, "cannot read an enum member name");
    std::string text(label);
    H5free_memory(label);
    std::int64_t value = 0;  // wide enough for any base, converted in place
    check(H5Tget_member_value(type.get(), static_cast<unsigned>(k), &value), name_, where,
          "cannot read an enum member value");
    check(H5Tconvert(base.get(), H5T_NATIVE_INT64, 1, &value, nullptr, H5P_DEFAULT), name_, where,
          "cannot convert an enum member value");
    members.emplace_back(std::move(text), value);
  }
  return members;
}

}  // namespace spikeq::io
