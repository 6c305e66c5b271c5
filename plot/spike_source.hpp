// The spike populations a plot shows, with the window resolved like `spikeq analyze`
// (start 0, stop the run's t_stop from provenance, else just after the last spike),
// and chunked reading in time order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"
#include "plot/figures.hpp"

namespace spikeq::plot {

struct population_info {
  std::string name;
  std::uint64_t neurons = 0;
};

struct spike_selection {
  std::vector<population_info> populations;
  double t_start_ms = 0, t_stop_ms = 0;
};

// Opens a recording, also one a run is still writing (SWMR read).
io::hdf5_reader open_recording(const std::filesystem::path& file);

spike_selection select_spikes(const io::hdf5_reader& r, const std::string& file, const plot_window& w);

// Calls `chunk(times_ms, node_ids)` over the population's spikes in time order.
void for_each_chunk(
    const io::hdf5_reader& r, const std::string& population,
    const std::function<void(std::span<const double>, std::span<const std::uint64_t>)>& chunk);

}  // namespace spikeq::plot
