#include "io/hdf5/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "io/hdf5/hdf5_reader.hpp"
#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

namespace {

// REQUIRES-style check of a population or report name: one HDF5 link name.
void check_name(const std::string& name, const std::string& file, const std::string& path) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos)
    throw std::invalid_argument(file + ":" + path + ": '" + name +
                                "' is not a valid group name (non-empty, no '/')");
}

// Makes the file's data durable before the rename publishes it (a rename can reach
// the disk before the data it names). Throws std::filesystem::filesystem_error.
void sync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const int status = fd < 0 ? -1 : ::fsync(fd);
  const int error = errno;
  if (fd >= 0) ::close(fd);
  if (status != 0)
    throw std::filesystem::filesystem_error("cannot sync the output file", path,
                                            std::error_code(error, std::generic_category()));
}

// Best effort: makes the rename itself durable.
void sync_directory(const std::filesystem::path& dir) noexcept {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  static_cast<void>(::fsync(fd));
  ::close(fd);
}

// `.<name>.tmp-<pid>` next to the final path: same directory, so rename() is atomic.
// (Appended piecewise: "." + std::string trips GCC 12's -Wrestrict false positive.)
std::filesystem::path temporary_path_for(const std::filesystem::path& final_path) {
  std::string name = ".";
  name += final_path.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  return final_path.parent_path() / name;
}

}  // namespace

output_file::output_file(std::filesystem::path final_path)
    : final_path_(std::move(final_path)),
      temp_path_(temporary_path_for(final_path_)),
      name_(final_path_.string()) {
  silence_hdf5_errors();
  auto access = checked(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, name_, "", "cannot create a property list");
  // SWMR needs the latest file format (readable by HDF5 >= 1.10).
  check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_LATEST, H5F_LIBVER_LATEST), name_, "",
        "cannot set the file format");
  // Closing the file closes everything in it: commit() renames a file that is really closed.
  check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG), name_, "", "cannot set the close degree");
  file_ = checked(H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose, name_,
                  "", "cannot create the output file (is the directory writable?)");
  try {
    hdf5_write::write_scalar_attribute<std::uint32_t>(file_.get(), "magic", 0x0A7A, name_, "/");
    const std::uint32_t version[] = {0, 1};
    hdf5_write::write_array_attribute<std::uint32_t>(file_.get(), "version", version, name_, "/");
  } catch (...) {
    file_.reset();
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
    throw;
  }
}

output_file::~output_file() {
  if (keep_file_) return;  // committed or kept: already closed
  close_quietly();
  std::error_code ignored;
  std::filesystem::remove(temp_path_, ignored);
}

void output_file::require_declaring(const std::string& path, const char* what) const {
  if (phase_ != phase::declaring)
    throw std::logic_error(name_ + ":" + path + ": " + what +
                           " after start_streaming() (SWMR allows no new objects or attributes)");
}

void output_file::require_open(const char* what) const {
  if (phase_ == phase::closed) throw std::logic_error(name_ + ": " + what + " after the file was closed");
}

hid_t output_file::group(const std::string& path) {
  if (path == "/") return file_.get();
  if (path.empty() || path.front() != '/' || path.back() == '/' || path.find("//") != std::string::npos)
    throw std::invalid_argument(name_ + ":" + path + ": not an absolute HDF5 group path");
  hid_t parent = file_.get();
  std::size_t begin = 1;
  while (begin <= path.size()) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    const std::string so_far = path.substr(0, end);
    hid_t id = H5I_INVALID_HID;
    for (const auto& [p, g] : groups_)
      if (p == so_far) id = g.get();
    if (id == H5I_INVALID_HID) {
      const std::string component = path.substr(begin, end - begin);
      check_name(component, name_, so_far);
      groups_.emplace_back(so_far, hdf5_write::open_or_create_group(parent, component, name_, so_far));
      id = groups_.back().second.get();
    }
    parent = id;
    begin = end + 1;
  }
  return parent;
}

spike_population& output_file::add_spike_population(const std::string& name, std::uint64_t node_count) {
  const std::string path = "/spikes/" + name;
  require_declaring(path, "a spike population declared");
  check_name(name, name_, path);
  spikes_.push_back(std::make_unique<spike_population>(group("/spikes"), name, node_count, name_));
  return *spikes_.back();
}

frame_report& output_file::add_frame_report(const std::string& group_name, const std::string& variable,
                                            const std::string& units,
                                            const std::vector<std::uint64_t>& node_ids, double start_ms,
                                            double step_ms) {
  const std::string path = "/report/" + group_name;
  require_declaring(path, "a frame report declared");
  check_name(group_name, name_, path);
  reports_.push_back(std::make_unique<frame_report>(group("/report"), group_name, variable, units, node_ids,
                                                    start_ms, step_ms, name_));
  return *reports_.back();
}

frame_report& output_file::add_frame_report(const std::string& group_name, const std::string& variable,
                                            const std::string& units, const frame_mapping& mapping,
                                            double start_ms, double step_ms) {
  const std::string path = "/report/" + group_name;
  require_declaring(path, "a frame report declared");
  check_name(group_name, name_, path);
  reports_.push_back(std::make_unique<frame_report>(group("/report"), group_name, variable, units, mapping,
                                                    start_ms, step_ms, name_));
  return *reports_.back();
}

edge_population& output_file::add_edge_population(const std::string& name, const edge_topology& topology) {
  const std::string path = "/edges/" + name;
  require_declaring(path, "an edge population declared");
  check_name(name, name_, path);
  edges_.push_back(std::make_unique<edge_population>(group("/edges"), name, topology, name_));
  return *edges_.back();
}

weight_event_log& output_file::add_weight_event_log(const std::string& name) {
  const std::string path = "/weight_events/" + name;
  require_declaring(path, "a weight event log declared");
  check_name(name, name_, path);
  weight_events_.push_back(std::make_unique<weight_event_log>(group("/weight_events"), name, name_));
  return *weight_events_.back();
}

modulator_log& output_file::add_modulator_log(const std::string& name, double tau_ms, double tonic) {
  const std::string path = "/neuromodulators/" + name;
  require_declaring(path, "a neuromodulator log declared");
  check_name(name, name_, path);
  modulators_.push_back(
      std::make_unique<modulator_log>(group("/neuromodulators"), name, tau_ms, tonic, name_));
  return *modulators_.back();
}

alignment_log& output_file::add_alignment_log(const std::string& name, const alignment_description& what) {
  const std::string path = "/alignment/" + name;
  require_declaring(path, "an alignment log declared");
  check_name(name, name_, path);
  alignments_.push_back(std::make_unique<alignment_log>(group("/alignment"), name, what, name_));
  return *alignments_.back();
}

continual_learning_log& output_file::add_continual_learning_log(const continual_learning_schedule& schedule) {
  require_declaring("/continual_learning", "the continual-learning log declared");
  if (continual_) throw std::logic_error("the continual-learning log is declared twice");
  continual_ = std::make_unique<continual_learning_log>(group("/"), schedule, name_);
  return *continual_;
}

live_input_log& output_file::add_live_input_log(const live_log_description& what) {
  require_declaring("/live", "the live input log declared");
  if (live_) throw std::logic_error("the live input log is declared twice");
  live_ = std::make_unique<live_input_log>(group("/"), what, name_);
  return *live_;
}

void output_file::set_string_attribute(const std::string& group_path, const std::string& name,
                                       const std::string& value) {
  require_declaring(group_path + "@" + name, "an attribute written");
  hdf5_write::write_string_attribute(group(group_path), name, value, name_, group_path);
}

void output_file::write_string_dataset(const std::string& path, const std::string& value) {
  require_declaring(path, "a dataset written");
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash + 1 == path.size())
    throw std::invalid_argument(name_ + ":" + path + ": not an absolute HDF5 dataset path");
  const hid_t parent = slash == 0 ? file_.get() : group(path.substr(0, slash));
  hdf5_write::write_string_dataset(parent, path.substr(slash + 1), value, name_, path);
}

void output_file::write_dataset(const std::string& path, std::span<const double> values,
                                const std::string& units) {
  require_declaring(path, "a dataset written");
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size())
    throw std::invalid_argument(name_ + ":" + path + ": not an absolute HDF5 dataset path in a group");
  const auto dataset = hdf5_write::write_fixed_dataset<double>(group(path.substr(0, slash)),
                                                               path.substr(slash + 1), values, name_, path);
  if (!units.empty()) hdf5_write::write_string_attribute(dataset.get(), "units", units, name_, path);
}

void output_file::write_dataset(const std::string& path, std::span<const std::uint64_t> values) {
  require_declaring(path, "a dataset written");
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size())
    throw std::invalid_argument(name_ + ":" + path + ": not an absolute HDF5 dataset path in a group");
  hdf5_write::write_fixed_dataset<std::uint64_t>(group(path.substr(0, slash)), path.substr(slash + 1), values,
                                                 name_, path);
}

void output_file::start_streaming() {
  require_declaring("/", "start_streaming() called");
  for (auto& s : spikes_) s->write_recorded_node_ids();  // the last datasets SWMR lets us create
  check(H5Fstart_swmr_write(file_.get()), name_, "", "cannot start SWMR writing");
  phase_ = phase::streaming;
}

void output_file::restore_recording(const std::filesystem::path& snapshot) {
  require_declaring(name_, "restore_recording()");
  if (live_) throw std::logic_error("a live run cannot be resumed from a checkpoint");
  const hdf5_reader source = open_recording_file(snapshot);
  for (auto& s : spikes_) s->restore_from(source);
  for (auto& r : reports_) r->restore_from(source);
  for (auto& w : weight_events_) w->restore_from(source);
  for (auto& m : modulators_) m->restore_from(source);
  for (auto& a : alignments_) a->restore_from(source);
}

void output_file::flush() {
  require_open("flush()");
  for (auto& s : spikes_) s->flush();
  for (auto& r : reports_) r->flush();
  for (auto& w : weight_events_) w->flush();
  for (auto& m : modulators_) m->flush();
  for (auto& a : alignments_) a->flush();
  if (live_) live_->flush();
  // A global flush is what keeps the data readable after a crash (formats.md);
  // flushing datasets alone keeps nothing.
  check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), name_, "", "cannot flush the output file");
}

void output_file::close_checked() {
  if (phase_ == phase::declaring)  // never streamed: the declarations end here
    for (auto& s : spikes_) s->write_recorded_node_ids();
  herr_t status = 0;
  const auto note = [&status](herr_t s) {
    if (s < 0 && status >= 0) status = s;
  };
  for (auto& s : spikes_) note(s->close());
  for (auto& r : reports_) note(r->close());
  for (auto& e : edges_) note(e->close());
  for (auto& w : weight_events_) note(w->close());
  for (auto& m : modulators_) note(m->close());
  for (auto& a : alignments_) note(a->close());
  if (continual_) note(continual_->close());
  if (live_) note(live_->close());
  for (auto& [path, g] : groups_) note(g.close());
  groups_.clear();
  phase_ = phase::closed;
  // The file's own close writes the last metadata; its failure means a damaged file.
  check(file_.close(), name_, "", "cannot close the output file (is the disk full?)");
  check(status, name_, "", "cannot close a dataset of the output file");
}

void output_file::close_quietly() noexcept {
  for (auto& s : spikes_) static_cast<void>(s->close());
  for (auto& r : reports_) static_cast<void>(r->close());
  for (auto& e : edges_) static_cast<void>(e->close());
  for (auto& w : weight_events_) static_cast<void>(w->close());
  for (auto& m : modulators_) static_cast<void>(m->close());
  for (auto& a : alignments_) static_cast<void>(a->close());
  if (continual_) static_cast<void>(continual_->close());
  if (live_) static_cast<void>(live_->close());
  groups_.clear();
  file_.reset();
  phase_ = phase::closed;
}

void output_file::commit() {
  require_open("commit()");
  flush();
  close_checked();
  sync_file(temp_path_);
  std::filesystem::rename(temp_path_, final_path_);  // atomic replace within one directory
  keep_file_ = true;
  sync_directory(final_path_.parent_path());
}

std::filesystem::path output_file::keep_partial() {
  require_open("keep_partial()");
  flush();
  close_checked();
  sync_file(temp_path_);
  keep_file_ = true;
  return temp_path_;
}

}  // namespace spikeq::io
