#include "io/hdf5/output_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace spikeq::io {

namespace {

constexpr hsize_t chunk_elements = 1 << 16;

hdf5_handle compressed_chunks(int rank, const hsize_t* chunk, const std::string& file,
                              const std::string& path) {
  auto plist = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, file, path, "cannot create a property list");
  check(H5Pset_chunk(plist.get(), rank, chunk), file, path, "cannot set chunking");
  check(H5Pset_shuffle(plist.get()), file, path, "cannot set the shuffle filter");
  check(H5Pset_deflate(plist.get(), 4), file, path, "cannot set deflate");
  return plist;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value,
                            const std::string& file, const std::string& path) {
  auto type = checked(H5Tcopy(H5T_C_S1), H5Tclose, file, path, "cannot create a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), file, path, "cannot size a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), file, path, "cannot set a character set");
  auto space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, path, "cannot create a dataspace");
  auto attr = checked(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                      H5Aclose, file, path + "@" + name, "cannot create an attribute");
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), file, path + "@" + name, "cannot write an attribute");
}

template <typename T>
void write_numeric_attribute(hid_t object, const std::string& name, hid_t type, const std::vector<T>& values,
                             const std::string& file, const std::string& path) {
  const hsize_t n = values.size();
  auto space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, file, path, "cannot create a dataspace");
  auto attr = checked(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                      file, path + "@" + name, "cannot create an attribute");
  check(H5Awrite(attr.get(), type, values.data()), file, path + "@" + name, "cannot write an attribute");
}

template <typename T>
void write_fixed_dataset(hid_t parent, const std::string& name, hid_t type, const std::vector<T>& values,
                         const std::string& file, const std::string& path) {
  const hsize_t n = values.size();
  auto space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, file, path, "cannot create a dataspace");
  auto ds =
      checked(H5Dcreate2(parent, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose, file, path, "cannot create a dataset");
  if (n > 0)
    check(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), file, path, "cannot write");
}

hdf5_handle make_group(hid_t parent, const std::string& name, const std::string& file,
                       const std::string& path) {
  return checked(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, file,
                 path, "cannot create a group");
}

}  // namespace

appendable_dataset::appendable_dataset(hid_t parent, const std::string& name, hid_t file_type,
                                       hid_t memory_type, std::size_t element_size, std::string file_name,
                                       std::string path)
    : memory_type_(memory_type),
      element_size_(element_size),
      file_(std::move(file_name)),
      path_(std::move(path)) {
  const hsize_t initial = 0;
  const hsize_t unlimited = H5S_UNLIMITED;
  auto space =
      checked(H5Screate_simple(1, &initial, &unlimited), H5Sclose, file_, path_, "cannot create a dataspace");
  const hsize_t chunk = chunk_elements;
  auto plist = compressed_chunks(1, &chunk, file_, path_);
  dataset_ =
      checked(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT),
              H5Dclose, file_, path_, "cannot create a dataset");
}

void appendable_dataset::append(const void* data, std::size_t count) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  buffer_.insert(buffer_.end(), bytes, bytes + count * element_size_);
  if (buffered_count() >= chunk_elements) flush();
}

void appendable_dataset::flush() {
  const hsize_t count = buffered_count();
  if (count == 0) return;
  const hsize_t new_size = written_ + count;
  check(H5Dset_extent(dataset_.get(), &new_size), file_, path_, "cannot extend a dataset");
  auto file_space = checked(H5Dget_space(dataset_.get()), H5Sclose, file_, path_, "cannot get a dataspace");
  const hsize_t start = written_;
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), file_, path_,
        "cannot select");
  auto memory_space =
      checked(H5Screate_simple(1, &count, nullptr), H5Sclose, file_, path_, "cannot create a dataspace");
  check(H5Dwrite(dataset_.get(), memory_type_, memory_space.get(), file_space.get(), H5P_DEFAULT,
                 buffer_.data()),
        file_, path_, "cannot write");
  written_ = new_size;
  buffer_.clear();
}

spike_population::spike_population(hid_t spikes_group, const std::string& name, std::uint64_t node_count,
                                   const std::string& file)
    : group_(make_group(spikes_group, name, file, "/spikes/" + name)),
      timestamps_(group_.get(), "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, sizeof(double), file,
                  "/spikes/" + name + "/timestamps"),
      node_ids_(group_.get(), "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, sizeof(std::uint64_t), file,
                "/spikes/" + name + "/node_ids") {
  const std::string path = "/spikes/" + name;
  // SONATA's `sorting` is an enum on uint8, not a string (libsonata rejects strings).
  auto sorting =
      checked(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose, file, path, "cannot create an enum type");
  const std::array<std::pair<const char*, std::uint8_t>, 3> members{
      {{"none", 0}, {"by_id", 1}, {"by_time", 2}}};
  for (const auto& [label, value] : members)
    check(H5Tenum_insert(sorting.get(), label, &value), file, path, "cannot build the sorting enum");
  auto space = checked(H5Screate(H5S_SCALAR), H5Sclose, file, path, "cannot create a dataspace");
  auto attr =
      checked(H5Acreate2(group_.get(), "sorting", sorting.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, file, path + "@sorting", "cannot create an attribute");
  const std::uint8_t by_time = 2;
  check(H5Awrite(attr.get(), sorting.get(), &by_time), file, path + "@sorting", "cannot write an attribute");
  write_string_attribute(timestamps_.id(), "units", "ms", file, path + "/timestamps");
  write_numeric_attribute(group_.get(), "node_count", H5T_NATIVE_UINT64,
                          std::vector<std::uint64_t>{node_count}, file, path);
}

void spike_population::append(std::span<const double> times_ms, std::span<const std::uint64_t> node_ids) {
  timestamps_.append(times_ms.data(), times_ms.size());
  node_ids_.append(node_ids.data(), node_ids.size());
}

void spike_population::flush() {
  timestamps_.flush();
  node_ids_.flush();
}

void spike_population::close() {
  timestamps_.close();
  node_ids_.close();
  group_.reset();
}

frame_report::frame_report(hid_t report_group, const std::string& group, const std::string& variable,
                           const std::string& units, const std::vector<std::uint64_t>& node_ids,
                           double start_ms, double step_ms, std::string file)
    : columns_(node_ids.size()),
      start_ms_(start_ms),
      step_ms_(step_ms),
      file_(std::move(file)),
      path_("/report/" + group) {
  group_ = make_group(report_group, group, file_, path_);
  write_string_attribute(group_.get(), "variable", variable, file_, path_);
  const hsize_t columns = std::max<std::size_t>(columns_, 1);
  const std::array<hsize_t, 2> initial{0, columns_};
  const std::array<hsize_t, 2> max{H5S_UNLIMITED, columns_};
  auto space = checked(H5Screate_simple(2, initial.data(), max.data()), H5Sclose, file_, path_,
                       "cannot create a dataspace");
  const std::array<hsize_t, 2> chunk{std::max<hsize_t>(1, chunk_elements / columns), columns};
  auto plist = compressed_chunks(2, chunk.data(), file_, path_ + "/data");
  data_ = checked(
      H5Dcreate2(group_.get(), "data", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT),
      H5Dclose, file_, path_ + "/data", "cannot create a dataset");
  write_string_attribute(data_.get(), "units", units, file_, path_ + "/data");
  auto mapping = make_group(group_.get(), "mapping", file_, path_ + "/mapping");
  write_fixed_dataset(mapping.get(), "node_ids", H5T_STD_U64LE, node_ids, file_, path_ + "/mapping/node_ids");
  std::vector<std::uint64_t> pointers(columns_ + 1);
  for (std::size_t k = 0; k <= columns_; ++k) pointers[k] = k;  // one element per node
  write_fixed_dataset(mapping.get(), "index_pointers", H5T_STD_U64LE, pointers, file_,
                      path_ + "/mapping/index_pointers");
  // bmtk reads the singular spelling.
  check(H5Lcreate_hard(mapping.get(), "index_pointers", mapping.get(), "index_pointer", H5P_DEFAULT,
                       H5P_DEFAULT),
        file_, path_ + "/mapping/index_pointer", "cannot create a link");
  write_fixed_dataset(mapping.get(), "element_ids", H5T_STD_U32LE, std::vector<std::uint32_t>(columns_, 0),
                      file_, path_ + "/mapping/element_ids");
  write_fixed_dataset(mapping.get(), "time", H5T_IEEE_F64LE, std::vector<double>{start_ms, start_ms, step_ms},
                      file_, path_ + "/mapping/time");
  time_ = checked(H5Dopen2(mapping.get(), "time", H5P_DEFAULT), H5Dclose, file_, path_ + "/mapping/time",
                  "cannot open a dataset");
  write_string_attribute(time_.get(), "units", "ms", file_, path_ + "/mapping/time");
}

void frame_report::append_frame(std::span<const float> values) {
  buffer_.insert(buffer_.end(), values.begin(), values.end());
  if (buffer_.size() >= chunk_elements) flush();
}

void frame_report::flush() {
  if (columns_ == 0 || buffer_.empty()) return;
  const hsize_t rows = buffer_.size() / columns_;
  const std::array<hsize_t, 2> new_size{frames_written_ + rows, columns_};
  check(H5Dset_extent(data_.get(), new_size.data()), file_, path_ + "/data", "cannot extend a dataset");
  auto file_space = checked(H5Dget_space(data_.get()), H5Sclose, file_, path_, "cannot get a dataspace");
  const std::array<hsize_t, 2> start{frames_written_, 0};
  const std::array<hsize_t, 2> count{rows, columns_};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
        file_, path_, "cannot select");
  auto memory_space = checked(H5Screate_simple(2, count.data(), nullptr), H5Sclose, file_, path_,
                              "cannot create a dataspace");
  check(H5Dwrite(data_.get(), H5T_NATIVE_FLOAT, memory_space.get(), file_space.get(), H5P_DEFAULT,
                 buffer_.data()),
        file_, path_ + "/data", "cannot write");
  frames_written_ += rows;
  buffer_.clear();
  // time = {start, stop, step} covers exactly the frames written, so a file cut
  // short stays self-consistent.
  const std::array<double, 3> time{start_ms_, start_ms_ + static_cast<double>(frames_written_) * step_ms_,
                                   step_ms_};
  check(H5Dwrite(time_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, time.data()), file_,
        path_ + "/mapping/time", "cannot write");
}

void frame_report::close() {
  time_.reset();
  data_.reset();
  group_.reset();
}

output_file::output_file(std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  silence_hdf5_errors();
  name_ = final_path_.string();
  temp_path_ = final_path_.parent_path() /
               ("." + final_path_.filename().string() + ".tmp-" + std::to_string(::getpid()));
  auto access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, name_, "", "cannot create a property list");
  // SWMR needs the latest file format.
  check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), name_, "",
        "cannot set the format");
  file_ = checked(H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose, name_,
                  "", "cannot create the output file (is the directory writable?)");
  write_numeric_attribute(file_.get(), "magic", H5T_STD_U32LE, std::vector<std::uint32_t>{0x0A7A}, name_,
                          "/");
  write_numeric_attribute(file_.get(), "version", H5T_STD_U32LE, std::vector<std::uint32_t>{0, 1}, name_,
                          "/");
}

output_file::~output_file() {
  if (closed_for_good_) return;
  close_all();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

hid_t output_file::group(const std::string& path) {
  for (const auto& [p, g] : groups_)
    if (p == path) return g.get();
  // Create intermediate groups as needed.
  hid_t parent = file_.get();
  std::string so_far;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = std::min(path.find('/', pos), path.size());
    so_far = path.substr(0, next);
    bool found = false;
    for (const auto& [p, g] : groups_)
      if (p == so_far) {
        parent = g.get();
        found = true;
      }
    if (!found) {
      groups_.emplace_back(so_far, make_group(parent, path.substr(pos, next - pos), name_, so_far));
      parent = groups_.back().second.get();
    }
    pos = next + 1;
  }
  return parent;
}

spike_population& output_file::add_spike_population(const std::string& name, std::uint64_t node_count) {
  if (streaming_) throw hdf5_error(name_, "/spikes/" + name, "declared after streaming started");
  spikes_.push_back(std::make_unique<spike_population>(group("/spikes"), name, node_count, name_));
  return *spikes_.back();
}

frame_report& output_file::add_frame_report(const std::string& group_name, const std::string& variable,
                                            const std::string& units,
                                            const std::vector<std::uint64_t>& node_ids, double start_ms,
                                            double step_ms) {
  if (streaming_) throw hdf5_error(name_, "/report/" + group_name, "declared after streaming started");
  reports_.push_back(std::make_unique<frame_report>(group("/report"), group_name, variable, units, node_ids,
                                                    start_ms, step_ms, name_));
  return *reports_.back();
}

void output_file::set_string_attribute(const std::string& group_path, const std::string& name,
                                       const std::string& value) {
  write_string_attribute(group(group_path), name, value, name_, group_path);
}

void output_file::write_string_dataset(const std::string& path, const std::string& value) {
  const auto slash = path.rfind('/');
  const hid_t parent = slash == 0 ? file_.get() : group(path.substr(0, slash));
  auto type = checked(H5Tcopy(H5T_C_S1), H5Tclose, name_, path, "cannot create a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), name_, path, "cannot size a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), name_, path, "cannot set a character set");
  auto space = checked(H5Screate(H5S_SCALAR), H5Sclose, name_, path, "cannot create a dataspace");
  auto ds = checked(H5Dcreate2(parent, path.substr(slash + 1).c_str(), type.get(), space.get(), H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT),
                    H5Dclose, name_, path, "cannot create a dataset");
  const char* data = value.c_str();
  check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), name_, path, "cannot write");
}

void output_file::start_streaming() {
  check(H5Fstart_swmr_write(file_.get()), name_, "", "cannot start SWMR writing");
  streaming_ = true;
}

void output_file::flush() {
  for (auto& s : spikes_) s->flush();
  for (auto& r : reports_) r->flush();
  // A global flush is what keeps the data readable after a crash (formats.md).
  check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), name_, "", "cannot flush");
}

void output_file::close_all() {
  for (auto& s : spikes_) s->close();
  for (auto& r : reports_) r->close();
  groups_.clear();
  file_.reset();
}

void output_file::commit() {
  flush();
  close_all();
  std::filesystem::rename(temp_path_, final_path_);
  closed_for_good_ = true;
}

std::filesystem::path output_file::keep_partial() {
  flush();
  close_all();
  closed_for_good_ = true;
  return temp_path_;
}

}  // namespace spikeq::io
