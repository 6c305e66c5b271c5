#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io {

hdf5_reader::hdf5_reader(const std::filesystem::path& path, bool swmr) : name_(path.string()) {
  silence_hdf5_errors();
  const unsigned flags = H5F_ACC_RDONLY | (swmr ? H5F_ACC_SWMR_READ : 0u);
  file_ = checked(H5Fopen(name_.c_str(), flags, H5P_DEFAULT), H5Fclose, name_, "",
                  "cannot open as HDF5 (missing, not HDF5, or still being written without SWMR)");
}

bool hdf5_reader::exists(const std::string& path) const {
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
    const auto size =
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(size), '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, name.data(), name.size() + 1,
                       H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

std::vector<std::uint64_t> hdf5_reader::shape(const std::string& dataset) const {
  auto ds = checked(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, name_, dataset,
                    "no such dataset");
  auto space = checked(H5Dget_space(ds.get()), H5Sclose, name_, dataset, "cannot get the dataspace");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

template <typename T>
std::vector<T> hdf5_reader::read(const std::string& dataset, hid_t memory_type) const {
  auto ds = checked(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, name_, dataset,
                    "no such dataset");
  auto space = checked(H5Dget_space(ds.get()), H5Sclose, name_, dataset, "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<T> values(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
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
  auto ds = checked(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, name_, dataset, "no such dataset");
  auto space = checked(H5Dget_space(ds.get()), H5Sclose, name_, dataset, "cannot get the dataspace");
  if (H5Sget_simple_extent_ndims(space.get()) != 1) throw hdf5_error(name_, dataset, "not a 1-D dataset");
  hsize_t size = 0;
  H5Sget_simple_extent_dims(space.get(), &size, nullptr);
  if (offset + count > size) throw hdf5_error(name_, dataset, "range beyond the end of the dataset");
  std::vector<T> values(count);
  if (count == 0) return values;
  const hsize_t start = offset;
  const hsize_t n = count;
  check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr), name_, dataset, "cannot select");
  auto memory = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, name_, dataset, "cannot create a dataspace");
  check(H5Dread(ds.get(), memory_type, memory.get(), space.get(), H5P_DEFAULT, values.data()), name_, dataset,
        "cannot read (wrong type?)");
  return values;
}

std::vector<double> hdf5_reader::read_doubles(const std::string& dataset, std::uint64_t offset,
                                              std::uint64_t count) const {
  return read_range<double>(dataset, H5T_NATIVE_DOUBLE, offset, count);
}

std::vector<std::uint64_t> hdf5_reader::read_uint64s(const std::string& dataset, std::uint64_t offset,
                                                     std::uint64_t count) const {
  return read_range<std::uint64_t>(dataset, H5T_NATIVE_UINT64, offset, count);
}

bool hdf5_reader::has_attribute(const std::string& object, const std::string& name) const {
  return H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

namespace {
std::string read_string_from(hid_t object, hid_t type, bool is_attribute, const std::string& file,
                             const std::string& path) {
  auto memory_type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file, path, "cannot create a string type");
  // HDF5 converts no strings between character sets: read in the stored one.
  check(H5Tset_cset(memory_type.get(), H5Tget_cset(type)), file, path, "cannot set a character set");
  if (H5Tis_variable_str(type) > 0) {
    check(H5Tset_size(memory_type.get(), H5T_VARIABLE), file, path, "cannot size a string type");
    char* data = nullptr;
    check(is_attribute ? H5Aread(object, memory_type.get(), &data)
                       : H5Dread(object, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data),
          file, path, "cannot read a string");
    std::string value = data != nullptr ? data : "";
    H5free_memory(data);
    return value;
  }
  const std::size_t size = H5Tget_size(type);
  check(H5Tset_size(memory_type.get(), size + 1), file, path, "cannot size a string type");
  std::string value(size + 1, '\0');
  check(is_attribute ? H5Aread(object, memory_type.get(), value.data())
                     : H5Dread(object, memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.data()),
        file, path, "cannot read a string");
  value.resize(value.find('\0') == std::string::npos ? size : value.find('\0'));
  return value;
}
}  // namespace

std::string hdf5_reader::read_string(const std::string& dataset) const {
  auto ds = checked(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose, name_, dataset,
                    "no such dataset");
  auto type = checked(H5Dget_type(ds.get()), H5Tclose, name_, dataset, "cannot get the type");
  if (H5Tget_class(type.get()) != H5T_STRING) throw hdf5_error(name_, dataset, "not a string");
  return read_string_from(ds.get(), type.get(), false, name_, dataset);
}

hdf5_handle hdf5_reader::open_attribute(const std::string& object, const std::string& name) const {
  return checked(H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose, name_, object + "@" + name, "no such attribute");
}

std::string hdf5_reader::string_attribute(const std::string& object, const std::string& name) const {
  auto attr = open_attribute(object, name);
  auto type = checked(H5Aget_type(attr.get()), H5Tclose, name_, object + "@" + name, "cannot get the type");
  if (H5Tget_class(type.get()) != H5T_STRING) throw hdf5_error(name_, object + "@" + name, "not a string");
  return read_string_from(attr.get(), type.get(), true, name_, object + "@" + name);
}

std::vector<std::uint64_t> hdf5_reader::integer_attribute(const std::string& object,
                                                          const std::string& name) const {
  auto attr = open_attribute(object, name);
  auto space =
      checked(H5Aget_space(attr.get()), H5Sclose, name_, object + "@" + name, "cannot get the dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<std::uint64_t> values(static_cast<std::size_t>(std::max<hssize_t>(n, 0)));
  auto type = checked(H5Aget_type(attr.get()), H5Tclose, name_, object + "@" + name, "cannot get the type");
  if (H5Tget_class(type.get()) == H5T_ENUM) {
    // Enums are read in their own (uint8-based) type: HDF5 converts no enum to integers.
    if (H5Tget_size(type.get()) != 1) throw hdf5_error(name_, object + "@" + name, "enum is not 8-bit");
    std::vector<std::uint8_t> raw(values.size());
    check(H5Aread(attr.get(), type.get(), raw.data()), name_, object + "@" + name, "cannot read");
    for (std::size_t k = 0; k < raw.size(); ++k) values[k] = raw[k];
    return values;
  }
  check(H5Aread(attr.get(), H5T_NATIVE_UINT64, values.data()), name_, object + "@" + name, "cannot read");
  return values;
}

H5T_class_t hdf5_reader::attribute_class(const std::string& object, const std::string& name) const {
  auto attr = open_attribute(object, name);
  auto type = checked(H5Aget_type(attr.get()), H5Tclose, name_, object + "@" + name, "cannot get the type");
  return H5Tget_class(type.get());
}

}  // namespace spikeq::io
