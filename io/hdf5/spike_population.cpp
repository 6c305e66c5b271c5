#include "io/hdf5/spike_population.hpp"

#include <algorithm>
#include <stdexcept>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::io {

spike_population::spike_population(hid_t spikes_group, const std::string& name, std::uint64_t node_count,
                                   const std::string& file)
    : name_(name),
      path_("/spikes/" + name),
      file_(file),
      node_count_(node_count),
      group_(hdf5_write::create_group(spikes_group, name, file, path_)),
      timestamps_(group_.get(), "timestamps", 0, file, path_ + "/timestamps"),
      node_ids_(group_.get(), "node_ids", 0, file, path_ + "/node_ids") {
  hdf5_write::write_sorting_attribute(group_.get(), hdf5_write::spike_sorting::by_time, file_, path_);
  hdf5_write::write_string_attribute(timestamps_.id(), "units", "ms", file_, path_ + "/timestamps");
  // An array of one value, as python/spikeq_analysis.py and the tools read it.
  const std::uint64_t count[] = {node_count};
  hdf5_write::write_array_attribute<std::uint64_t>(group_.get(), "node_count", count, file_, path_);
}

void spike_population::set_recorded_node_ids(std::vector<std::uint64_t> ids) {
  if (recorded_written_ || size() > 0)
    throw std::logic_error(file_ + ":" + path_ + ": recorded neurons declared after recording began");
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (ids[k] >= node_count_ || (k > 0 && ids[k] <= ids[k - 1]))
      throw std::invalid_argument(file_ + ":" + path_ +
                                  ": recorded node ids must be ascending, unique and below the node count " +
                                  std::to_string(node_count_));
  recorded_ = std::move(ids);
}

void spike_population::write_recorded_node_ids() {
  if (recorded_written_) return;
  hdf5_write::appendable_dataset<std::uint64_t> ids(group_.get(), "recorded_node_ids", 0, file_,
                                                    path_ + "/recorded_node_ids");
  if (recorded_.empty()) {
    // All neurons: 0 .. node_count - 1, a chunk at a time.
    std::vector<std::uint64_t> chunk;
    for (std::uint64_t first = 0; first < node_count_; first += hdf5_write::chunk_elements) {
      chunk.resize(std::min<std::uint64_t>(hdf5_write::chunk_elements, node_count_ - first));
      for (std::size_t k = 0; k < chunk.size(); ++k) chunk[k] = first + k;
      ids.append(chunk);
    }
  } else {
    ids.append(recorded_);
  }
  ids.flush();
  check(ids.close(), file_, path_ + "/recorded_node_ids", "cannot close the dataset");
  recorded_written_ = true;
}

void spike_population::append(std::span<const double> times_ms, std::span<const std::uint64_t> node_ids) {
  const auto reject = [&](const std::string& why) {
    throw std::invalid_argument(file_ + ":" + path_ + ": spikes rejected: " + why);
  };
  if (times_ms.size() != node_ids.size())
    reject(std::to_string(times_ms.size()) + " times but " + std::to_string(node_ids.size()) + " node ids");
  double last = last_time_ms_;
  for (std::size_t k = 0; k < times_ms.size(); ++k) {
    if (!(times_ms[k] >= last))  // also catches NaN
      reject("time " + std::to_string(times_ms[k]) + " ms comes after " + std::to_string(last) +
             " ms (sorting is by_time)");
    if (node_ids[k] >= node_count_)
      reject("node id " + std::to_string(node_ids[k]) + " is not below the node count " +
             std::to_string(node_count_));
    if (!recorded_.empty() && !std::binary_search(recorded_.begin(), recorded_.end(), node_ids[k]))
      reject("node id " + std::to_string(node_ids[k]) + " is not among the recorded neurons");
    last = times_ms[k];
  }
  timestamps_.append(times_ms);
  node_ids_.append(node_ids);
  last_time_ms_ = last;
}

void spike_population::flush() {
  timestamps_.flush();
  node_ids_.flush();
}

herr_t spike_population::close() noexcept {
  const herr_t a = timestamps_.close();
  const herr_t b = node_ids_.close();
  const herr_t c = group_.close();
  return a < 0 ? a : (b < 0 ? b : c);
}

void spike_population::restore_from(const hdf5_reader& source) {
  const std::vector<double> last = timestamps_.restore_from(source);
  node_ids_.restore_from(source);
  if (timestamps_.rows() != node_ids_.rows())
    throw hdf5_error(source.file_name(), path_, "the checkpoint's recording has unequal spike columns");
  if (!last.empty()) last_time_ms_ = last.front();
}

}  // namespace spikeq::io
