// The figures `spikeq plot` draws from a recording, each streaming the datasets in
// chunks: a spike raster (populations in colour bands, drawn through a pixel
// occupancy grid so that millions of spikes stay readable and vector files stay
// small), population rates over time, ISI and CV histograms, and weights
// (histograms of initial and final weights, traces of recorded synapses), and
// neuromodulator levels over time, and trial-averaged readout responses.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/readout_responses.hpp"
#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::plot {

struct plot_window {
  std::vector<std::string> populations;  // empty: all
  std::optional<double> t_start_ms, t_stop_ms;
  // Readouts: alignment, window and trials (its t_start and t_stop are replaced by
  // the window above: trials whose alignment time lies in it).
  analysis::response_request readout;
};

// Each throws io::input_error for a bad request (unknown population, empty window,
// nothing to draw) and io::hdf5_error naming the path inside the file.
void draw_raster(const std::filesystem::path& recording, const plot_window& w,
                 const std::filesystem::path& out);
void draw_rates(const std::filesystem::path& recording, const plot_window& w,
                const std::filesystem::path& out);
void draw_isi(const std::filesystem::path& recording, const plot_window& w, const std::filesystem::path& out);
void draw_weights(const std::filesystem::path& recording, const plot_window& w,
                  const std::filesystem::path& out);
// One panel per /neuromodulators channel: the level reconstructed exactly from the
// releases, the tonic level and the release times (the populations are not used).
void draw_modulators(const std::filesystem::path& recording, const plot_window& w,
                     const std::filesystem::path& out);
// One panel per neuron of every readout with a report of y (and /protocol): its
// response averaged over the trials of each outcome, aligned to the outcome time, with
// a band of +-1 SEM, and the teacher averaged the same way (dashed) when `target` is
// recorded too (the populations are not used).
void draw_readouts(const std::filesystem::path& recording, const plot_window& w,
                   const std::filesystem::path& out);
// Every /alignment group: the angle between W and B^T and the variance of W - B^T
// over time (plot/alignment.cpp; the populations are not used).
void draw_alignment(const std::filesystem::path& recording, const plot_window& w,
                    const std::filesystem::path& out);
// The continual-learning accuracy matrix of /continual_learning as a heat map with
// ACC and BWT (plot/accuracy.cpp; the window and populations are not used).
void draw_accuracy(const std::filesystem::path& recording, const plot_window& w,
                   const std::filesystem::path& out);

}  // namespace spikeq::plot
