#include "analysis/spike_reading.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
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

io::hdf5_reader open_recording(const std::filesystem::path& path) { return io::open_recording_file(path); }

std::uint64_t node_count(const io::hdf5_reader& r, const std::string& group) {
  if (r.has_attribute(group, "node_count")) return r.integer_attribute(group, "node_count").at(0);
  std::uint64_t largest = 0;  // other tools: 1 + the largest id
  const std::uint64_t n = r.shape(group + "/node_ids").at(0);
  for (std::uint64_t offset = 0; offset < n; offset += spike_chunk)
    for (const auto id : r.read_uint64s(group + "/node_ids", offset, std::min(spike_chunk, n - offset)))
      largest = std::max(largest, id);
  return n == 0 ? 0 : largest + 1;
}

std::uint64_t recorded_neurons::index_of(std::uint64_t id) const {
  if (contiguous) return id < node_ids.size() ? id : npos;
  const auto it = std::lower_bound(node_ids.begin(), node_ids.end(), id);
  return it != node_ids.end() && *it == id ? static_cast<std::uint64_t>(it - node_ids.begin()) : npos;
}

std::string recorded_neurons::note(const std::string& population) const {
  if (listed) return "";
  return fmt::format(
      "note: /spikes/{} does not list its recorded neurons (no recorded_node_ids): statistics are over the "
      "{} "
      "neuron{} that spiked{}; neurons that never spiked are not counted",
      population, size(), size() == 1 ? "" : "s",
      population_size ? fmt::format(" (population of {})", *population_size) : std::string());
}

recorded_neurons read_recorded_neurons(const io::hdf5_reader& r, const std::string& population) {
  const std::string g = "/spikes/" + population;
  recorded_neurons out;
  if (r.has_attribute(g, "node_count")) {
    const auto count = r.integer_attribute(g, "node_count");
    if (!count.empty()) out.population_size = count[0];
  }
  const std::string listed = g + "/recorded_node_ids";
  if (r.exists(listed)) {
    const auto type = r.dataset_type(listed);
    if (r.shape(listed).size() != 1 || (type.type_class != H5T_INTEGER))
      throw io::hdf5_error(r.file_name(), listed, "not a 1-D integer dataset");
    out.node_ids = r.read_uint64s(listed);
    out.listed = true;
  } else {
    // Other tools: the distinct ids that occur, chunk by chunk.
    const std::uint64_t n = r.shape(g + "/node_ids").at(0);
    std::vector<std::uint64_t> merged;
    for (std::uint64_t offset = 0; offset < n; offset += spike_chunk) {
      auto ids = r.read_uint64s(g + "/node_ids", offset, std::min(spike_chunk, n - offset));
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      std::vector<std::uint64_t> both;
      both.reserve(merged.size() + ids.size());
      std::set_union(merged.begin(), merged.end(), ids.begin(), ids.end(), std::back_inserter(both));
      merged.swap(both);
    }
    out.node_ids = std::move(merged);
  }
  if (!std::is_sorted(out.node_ids.begin(), out.node_ids.end()) ||
      std::adjacent_find(out.node_ids.begin(), out.node_ids.end()) != out.node_ids.end()) {
    std::sort(out.node_ids.begin(), out.node_ids.end());
    out.node_ids.erase(std::unique(out.node_ids.begin(), out.node_ids.end()), out.node_ids.end());
  }
  if (out.listed && out.population_size && !out.node_ids.empty() &&
      out.node_ids.back() >= *out.population_size)
    throw io::hdf5_error(r.file_name(), listed,
                         fmt::format("recorded node id {} is not below node_count {}", out.node_ids.back(),
                                     *out.population_size));
  out.contiguous = out.node_ids.empty() || out.node_ids.back() + 1 == out.node_ids.size();
  return out;
}

void to_recorded_indices(const io::hdf5_reader& r, const std::string& population,
                         const recorded_neurons& neurons, std::span<const std::uint64_t> ids,
                         std::vector<std::uint64_t>& indices) {
  indices.resize(ids.size());
  for (std::size_t k = 0; k < ids.size(); ++k) {
    indices[k] = neurons.index_of(ids[k]);
    if (indices[k] == recorded_neurons::npos)
      throw io::hdf5_error(r.file_name(), "/spikes/" + population + "/node_ids",
                           fmt::format("node id {} spikes but is not among the recorded neurons", ids[k]));
  }
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
