// Neuromodulator channels of a recording (/neuromodulators/<channel>, written by
// `spikeq run`; docs/formats/output.md): the releases, and the level they make,
//   M(t) = tonic + sum over releases k with t_k <= t of amount_k * exp(-(t - t_k) / tau),
// reconstructed exactly from the release log (no sampling): the mean level over a
// window is the closed-form integral of the exponentials, the peak is taken at the
// ends of the window and at both sides of every release (M is monotone in between).
// Releases are streamed in chunks, so memory does not grow with their number.
// python/spikeq_analysis.py (load_neuromodulators, modulator_level,
// modulator_statistics) computes the same numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "io/hdf5/hdf5_reader.hpp"

namespace spikeq::analysis {

struct modulator_channel_info {
  std::string name;  // the /neuromodulators group
  double tau_ms = 0;
  double tonic = 0;
  std::uint64_t releases = 0;  // in the whole file
};

// Channels of the file, in name order (empty without /neuromodulators).
std::vector<std::string> modulator_channels(const io::hdf5_reader& r);
// Throws io::hdf5_error (naming the path) when the group lacks tau, tonic or a
// dataset, or the two datasets differ in length.
modulator_channel_info read_modulator_channel(const io::hdf5_reader& r, const std::string& name);
// Calls `chunk(times_ms, amounts)` over the channel's releases in file (time) order.
void for_each_release_chunk(
    const io::hdf5_reader& r, const std::string& name,
    const std::function<void(std::span<const double>, std::span<const double>)>& chunk);

struct modulator_statistics {
  std::string name;
  double tau_ms = 0, tonic = 0;
  double t_start_ms = 0, t_stop_ms = 0;  // the window [t_start, t_stop]
  std::uint64_t releases = 0;            // with t_start <= t_k <= t_stop
  std::uint64_t nonzero_releases = 0;    // of those, amount != 0
  double total_amount = 0;               // sum of their amounts
  double release_rate_hz = 0;            // releases / window duration in s
  double mean_level = 0;                 // (1 / (t_stop - t_start)) * integral of M over the window
  double peak_level = 0;                 // max of M over the window
  double peak_time_ms = 0;               // first time it is reached
};

// Streaming: feed the releases in time order, chunk by chunk.
class modulator_accumulator {
 public:
  // REQUIRES: tau_ms > 0; t_stop_ms > t_start_ms.
  modulator_accumulator(double tau_ms, double tonic, double t_start_ms, double t_stop_ms);
  // REQUIRES: equal lengths; times non-decreasing across calls. Releases before the
  // window count towards the level only; releases after it are ignored.
  void add(std::span<const double> times_ms, std::span<const double> amounts);
  modulator_statistics finish(const std::string& name) const;

 private:
  // Moves the phasic state to `t` (> t_), with the candidates for the peak on the way.
  void advance(double t);
  // The state just after every release at time t_ (a candidate for the peak).
  void close_group();
  void candidate(double level, double t);

  double tau_, tonic_, a_, b_;
  double phasic_ = 0;                                    // sum of the decayed amounts at t_
  double t_ = -std::numeric_limits<double>::infinity();  // time of phasic_
  bool group_open_ = false;                              // releases at t_ not yet closed
  double integral_ = 0, compensation_ = 0;               // of the phasic part (Neumaier sum)
  std::uint64_t releases_ = 0, nonzero_ = 0;
  double total_ = 0;
  double peak_ = -std::numeric_limits<double>::infinity(), peak_time_ = 0;
};

// The statistics of /neuromodulators/<name> over [t_start, t_stop].
modulator_statistics analyze_modulator(const io::hdf5_reader& r, const std::string& name, double t_start_ms,
                                       double t_stop_ms);

// The level as a polyline over [t_start, t_stop] for drawing, exact at every vertex:
// the window is cut into `cells` equal cells; each contributes the level at its start
// (just before any release there), then the lowest and the highest level reached in
// the cell (at either side of a release) in time order, so every jump and peak
// survives however many releases share a pixel. Ends with the level at t_stop.
// `release_cells` marks, per cell, a release with a non-zero amount (bit 1) and a
// release with a zero amount (bit 2; a disabled reward contingency's would-be reward).
struct modulator_trace {
  std::vector<double> times_ms, levels;
  double cell_ms = 0;
  std::vector<std::uint8_t> release_cells;
};
// REQUIRES: cells >= 1; t_stop_ms > t_start_ms.
modulator_trace trace_modulator(const io::hdf5_reader& r, const std::string& name, double t_start_ms,
                                double t_stop_ms, std::size_t cells);

}  // namespace spikeq::analysis
