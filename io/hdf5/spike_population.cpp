#include "io/hdf5/spike_population.hpp"

#include <stdexcept>

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

}  // namespace spikeq::io
