#include "io/hdf5/frame_report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io {

namespace {

// Validates before any HDF5 object is created; returns the group path.
std::string checked_report_path(const std::string& group, const frame_mapping& m, double start_ms,
                                double step_ms, const std::string& file) {
  std::string path = "/report/" + group;
  const auto reject = [&](const std::string& why) {
    throw std::invalid_argument(file + ":" + path + ": " + why);
  };
  if (m.node_ids.empty() || m.element_ids.empty()) reject("a frame report needs at least one node");
  if (m.index_pointers.size() != m.node_ids.size() + 1 || m.index_pointers.front() != 0 ||
      m.index_pointers.back() != m.element_ids.size() ||
      !std::is_sorted(m.index_pointers.begin(), m.index_pointers.end()))
    reject("index_pointers do not partition the columns among the nodes");
  if (!std::isfinite(start_ms)) reject("the start time must be finite");
  if (!(step_ms > 0) || !std::isfinite(step_ms)) reject("the frame step must be a positive number of ms");
  return path;
}

}  // namespace

frame_mapping frame_mapping::one_per_node(const std::vector<std::uint64_t>& node_ids) {
  frame_mapping m;
  m.node_ids = node_ids;
  m.index_pointers.resize(node_ids.size() + 1);
  std::iota(m.index_pointers.begin(), m.index_pointers.end(), std::uint64_t{0});
  m.element_ids.assign(node_ids.size(), 0);
  return m;
}

frame_report::frame_report(hid_t report_group, const std::string& group, const std::string& variable,
                           const std::string& units, const std::vector<std::uint64_t>& node_ids,
                           double start_ms, double step_ms, const std::string& file)
    : frame_report(report_group, group, variable, units, frame_mapping::one_per_node(node_ids), start_ms,
                   step_ms, file) {}

frame_report::frame_report(hid_t report_group, const std::string& group, const std::string& variable,
                           const std::string& units, const frame_mapping& mapping_in, double start_ms,
                           double step_ms, const std::string& file)
    : name_(group),
      path_(checked_report_path(group, mapping_in, start_ms, step_ms, file)),
      file_(file),
      column_count_(mapping_in.element_ids.size()),
      start_ms_(start_ms),
      step_ms_(step_ms),
      group_(hdf5_write::create_group(report_group, group, file, path_)),
      data_(group_.get(), "data", column_count_, file, path_ + "/data") {
  using namespace hdf5_write;
  write_string_attribute(group_.get(), "variable", variable, file_, path_);
  write_string_attribute(data_.id(), "units", units, file_, path_ + "/data");
  auto mapping = create_group(group_.get(), "mapping", file_, path_ + "/mapping");
  const std::string m = path_ + "/mapping/";
  write_fixed_dataset<std::uint64_t>(mapping.get(), "node_ids", mapping_in.node_ids, file_, m + "node_ids");
  write_fixed_dataset<std::uint64_t>(mapping.get(), "index_pointers", mapping_in.index_pointers, file_,
                                     m + "index_pointers");
  // bmtk reads the singular spelling; a hard link is the same dataset under both names.
  check(H5Lcreate_hard(mapping.get(), "index_pointers", mapping.get(), "index_pointer", H5P_DEFAULT,
                       H5P_DEFAULT),
        file_, m + "index_pointer", "cannot create a link");
  write_fixed_dataset<std::uint32_t>(mapping.get(), "element_ids", mapping_in.element_ids, file_,
                                     m + "element_ids");
  const std::array<double, 3> time{start_ms, start_ms, step_ms};  // no frames yet
  time_ = write_fixed_dataset<double>(mapping.get(), "time", time, file_, m + "time");
  write_string_attribute(time_.get(), "units", "ms", file_, m + "time");
}

void frame_report::append_frame(std::span<const float> values) {
  if (values.size() != column_count_)
    throw std::invalid_argument(file_ + ":" + path_ + ": a frame of " + std::to_string(values.size()) +
                                " values for " + std::to_string(column_count_) + " columns");
  data_.append(values);
  if (data_.rows_written() != frames_in_time_) write_time();
}

void frame_report::flush() {
  data_.flush();
  if (data_.rows_written() != frames_in_time_) write_time();
}

void frame_report::write_time() {
  const std::uint64_t frames = data_.rows_written();
  const std::array<double, 3> time{start_ms_, start_ms_ + static_cast<double>(frames) * step_ms_, step_ms_};
  check(H5Dwrite(time_.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, time.data()), file_,
        path_ + "/mapping/time", "cannot write");
  frames_in_time_ = frames;
}

herr_t frame_report::close() noexcept {
  const herr_t a = time_.close();
  const herr_t b = data_.close();
  const herr_t c = group_.close();
  return a < 0 ? a : (b < 0 ? b : c);
}

void frame_report::restore_from(const hdf5_reader& source) { data_.restore_from(source); }

}  // namespace spikeq::io
