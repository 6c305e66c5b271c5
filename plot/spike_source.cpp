#include "plot/spike_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "analysis/recording_analysis.hpp"
#include "io/diagnostics.hpp"

namespace spikeq::plot {

namespace {
constexpr std::uint64_t chunk_size = std::uint64_t{1} << 20;

bool sorted_by_time(const io::hdf5_reader& r, const std::string& group) {
  if (!r.has_attribute(group, "sorting")) return false;
  if (r.attribute_class(group, "sorting") == H5T_STRING)
    return r.string_attribute(group, "sorting") == "by_time";
  const auto v = r.integer_attribute(group, "sorting");
  return !v.empty() && v[0] == 2;
}

std::uint64_t node_count(const io::hdf5_reader& r, const std::string& group) {
  if (r.has_attribute(group, "node_count")) return r.integer_attribute(group, "node_count").at(0);
  std::uint64_t largest = 0, n = r.shape(group + "/node_ids").at(0);
  for (std::uint64_t offset = 0; offset < n; offset += chunk_size)
    for (const auto id : r.read_uint64s(group + "/node_ids", offset, std::min(chunk_size, n - offset)))
      largest = std::max(largest, id);
  return n == 0 ? 0 : largest + 1;
}
}  // namespace

io::hdf5_reader open_recording(const std::filesystem::path& file) {
  try {
    return io::hdf5_reader(file);
  } catch (const io::hdf5_error&) {
    return io::hdf5_reader(file, /*swmr=*/true);
  }
}

spike_selection select_spikes(const io::hdf5_reader& r, const std::string& file, const plot_window& w) {
  if (!r.exists("/spikes")) throw io::hdf5_error(file, "/spikes", "no spike populations in this file");
  const auto available = r.members("/spikes");
  auto names = w.populations.empty() ? available : w.populations;
  spike_selection s;
  for (const auto& name : names) {
    if (std::find(available.begin(), available.end(), name) == available.end())
      throw io::input_error({{file, 0, 0, "no spike population '" + name + "' in /spikes"}});
    s.populations.push_back({name, node_count(r, "/spikes/" + name)});
  }
  s.t_start_ms = w.t_start_ms.value_or(0.0);
  if (w.t_stop_ms) {
    s.t_stop_ms = *w.t_stop_ms;
  } else if (const auto t = analysis::recorded_t_stop(r)) {
    s.t_stop_ms = *t;
  } else {
    for (const auto& p : s.populations) {
      const std::string g = "/spikes/" + p.name + "/timestamps";
      const std::uint64_t n = r.shape(g).at(0);
      for (std::uint64_t offset = 0; offset < n; offset += chunk_size)
        for (const double t : r.read_doubles(g, offset, std::min(chunk_size, n - offset)))
          s.t_stop_ms = std::max(s.t_stop_ms, t + 1.0);
    }
  }
  if (!(s.t_stop_ms > s.t_start_ms))
    throw io::input_error(
        {{file, 0, 0, fmt::format("the window [{}, {}) ms is empty", s.t_start_ms, s.t_stop_ms)}});
  return s;
}

void for_each_chunk(
    const io::hdf5_reader& r, const std::string& population,
    const std::function<void(std::span<const double>, std::span<const std::uint64_t>)>& chunk) {
  const std::string g = "/spikes/" + population;
  const std::uint64_t n = r.shape(g + "/timestamps").at(0);
  if (sorted_by_time(r, g)) {
    for (std::uint64_t offset = 0; offset < n; offset += chunk_size) {
      const std::uint64_t count = std::min(chunk_size, n - offset);
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

}  // namespace spikeq::plot
