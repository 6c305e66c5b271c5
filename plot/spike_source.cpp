#include "plot/spike_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <numeric>

#include "analysis/recording_analysis.hpp"
#include "analysis/spike_reading.hpp"
#include "io/diagnostics.hpp"

namespace spikeq::plot {

spike_selection select_spikes(const io::hdf5_reader& r, const std::string& file, const plot_window& w) {
  if (!r.exists("/spikes")) throw io::hdf5_error(file, "/spikes", "no spike populations in this file");
  const auto available = r.members("/spikes");
  auto names = w.populations.empty() ? available : w.populations;
  spike_selection s;
  for (const auto& name : names) {
    if (std::find(available.begin(), available.end(), name) == available.end())
      throw io::input_error({{file, 0, 0, "no spike population '" + name + "' in /spikes"}});
    auto recorded = analysis::read_recorded_neurons(r, name);
    if (!recorded.listed) std::cerr << recorded.note(name) << '\n';
    const std::uint64_t neurons = recorded.size();
    s.populations.push_back({name, neurons, std::move(recorded)});
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
      for (std::uint64_t offset = 0; offset < n; offset += analysis::spike_chunk)
        for (const double t : r.read_doubles(g, offset, std::min(analysis::spike_chunk, n - offset)))
          s.t_stop_ms = std::max(s.t_stop_ms, t + 1.0);
    }
  }
  if (!(s.t_stop_ms > s.t_start_ms))
    throw io::input_error(
        {{file, 0, 0, fmt::format("the window [{}, {}) ms is empty", s.t_start_ms, s.t_stop_ms)}});
  return s;
}

}  // namespace spikeq::plot
