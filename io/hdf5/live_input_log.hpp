// The inputs a run took from outside (live clients; docs/formats/output.md, /live):
//   /live/spikes/{injected_at, ticks, population, neuron}  uint64, times float64 (ms)
//   /live/currents/{injected_at, ticks, source}            uint64, times, amplitude float64
//   /live/releases/{injected_at, ticks, channel}           uint64, times, amount float64
//   /live/stopped_at                                       float64 (ms), one row when a
//                                                          client ended the run early
// `ticks` is when an input took effect, `injected_at` the window end at which the
// kernel received it (both in units of resolution_ms); a replay needs both. Group
// attributes: resolution_ms, window_bound_ticks, mode, and the name lists that
// population, source and channel index into (populations, current_sources, channels:
// comma-separated). Created by output_file::add_live_input_log.
#pragma once

#include <string>
#include <vector>

#include "core/external_input.hpp"
#include "io/hdf5/hdf5_write.hpp"

namespace spikeq::io {

struct live_log_description {
  double resolution_ms = 0.0;
  std::uint64_t window_bound_ticks = 0;
  std::string mode;
  std::vector<std::string> populations, current_sources, channels;
};

class live_input_log {
 public:
  live_input_log(hid_t root, const live_log_description& what, const std::string& file);

  void append(const input_journal& inputs);
  void append_stop(double t_ms);
  void flush();
  herr_t close() noexcept;

 private:
  using u64 = hdf5_write::appendable_dataset<std::uint64_t>;
  using f64 = hdf5_write::appendable_dataset<double>;
  std::string file_;
  double resolution_ms_;
  hdf5_handle group_, spikes_, currents_, releases_;
  u64 spike_injected_, spike_ticks_, spike_population_, spike_neuron_;
  f64 spike_times_;
  u64 current_injected_, current_ticks_, current_source_;
  f64 current_times_, current_amplitude_;
  u64 release_injected_, release_ticks_, release_channel_;
  f64 release_times_, release_amount_;
  f64 stopped_at_;
};

}  // namespace spikeq::io
