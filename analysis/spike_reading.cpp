#include "analysis/spike_reading.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace spikeq::analysis {

namespace {
bool sorted_by_time(const io::hdf5_reader& r, const std::string& group) {
  if (!r.has_attribute(group, "sorting")) return false;
  if (r.attribute_class(group, "sorting") == H5T_STRING)
    return r.string_attribute(group, "sorting") == "by_time";
  const auto v = r.integer_attribute(group, "sorting");
  return !v.empty() && v[0] == 2;
}
}  // namespace

io::hdf5_reader open_recording(const std::filesystem::path& path) {
  try {
    return io::hdf5_reader(path);
  } catch (const io::hdf5_error&) {
    return io::hdf5_reader(path, /*swmr=*/true);  // a run still writing it
  }
}

std::uint64_t node_count(const io::hdf5_reader& r, const std::string& group) {
  if (r.has_attribute(group, "node_count")) return r.integer_attribute(group, "node_count").at(0);
  std::uint64_t largest = 0;  // other tools: 1 + the largest id
  const std::uint64_t n = r.shape(group + "/node_ids").at(0);
  for (std::uint64_t offset = 0; offset < n; offset += spike_chunk)
    for (const auto id : r.read_uint64s(group + "/node_ids", offset, std::min(spike_chunk, n - offset)))
      largest = std::max(largest, id);
  return n == 0 ? 0 : largest + 1;
}

void for_each_spike_chunk(
    const io::hdf5_reader& r, const std::string& population,
    const std::function<void(std::span<const double>, std::span<const std::uint64_t>)>& chunk) {
  const std::string g = "/spikes/" + population;
  const std::uint64_t n = r.shape(g + "/timestamps").at(0);
  if (sorted_by_time(r, g)) {
    for (std::uint64_t offset = 0; offset < n; offset += spike_chunk) {
      const std::uint64_t count = std::min(spike_chunk, n - offset);
      chunk(r.read_doubles(g + "/timestamps", offset, count), r.read_uint64s(g + "/node_ids", offset, count));
    }
    return;
  }
  const auto times = r.read_doubles(g + "/timestamps");
  const auto ids = r.read_uint64s(g + "/node_ids");
  std::vector<std::size_t> order(times.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return times[a] < times[b]; });
  std::vector<double> t(times.size());
  std::vector<std::uint64_t> i(ids.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    t[k] = times[order[k]];
    i[k] = ids[order[k]];
  }
  chunk(t, i);
}

}  // namespace spikeq::analysis
