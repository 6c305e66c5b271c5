// The spike populations a plot shows, with the window resolved like `spikeq analyze`
// (start 0, stop the run's t_stop from provenance, else just after the last spike).
// Reading in chunks: analysis/spike_reading.hpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "analysis/spike_reading.hpp"
#include "io/hdf5/hdf5_reader.hpp"
#include "plot/figures.hpp"

namespace spikeq::plot {

struct population_info {
  std::string name;
  std::uint64_t neurons = 0;            // recorded neurons (raster rows, the rate's divisor)
  analysis::recorded_neurons recorded;  // which they are
};

struct spike_selection {
  std::vector<population_info> populations;
  double t_start_ms = 0, t_stop_ms = 0;
};

// Prints a note on stderr for each population whose file does not list its recorded
// neurons (their neurons are then the ones that spiked).
spike_selection select_spikes(const io::hdf5_reader& r, const std::string& file, const plot_window& w);

}  // namespace spikeq::plot
