// Replays the inputs a live run recorded (/live of its output, io/hdf5/live_input_log.hpp)
// into a new run of the same network: each input is injected at the same window end
// as in the live run, and the run ends where a client ended it, so the replay's
// spikes and weights are bit-identical to the live run's (spikeq run --replay).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>

#include "core/external_input.hpp"
#include "core/network.hpp"

namespace spikeq::io {

class live_replay final : public external_input {
 public:
  // Reads /live of `recording` and checks it against `net` (the same population,
  // live current source and channel names, and resolution). Throws input_error
  // naming the file and HDF5 path otherwise.
  live_replay(const std::filesystem::path& recording, const network& net);

  tick_type max_window() const override { return window_bound_; }
  bool at_window_end(tick_type now, injected_inputs& out) override;

  const input_journal& inputs() const { return journal_; }
  std::optional<tick_type> stop_tick() const { return stop_; }

 private:
  input_journal journal_;
  std::vector<std::vector<std::uint32_t>> current_schedules_;
  tick_type window_bound_ = 0;
  std::optional<tick_type> stop_;
  std::size_t next_spike_ = 0, next_current_ = 0, next_release_ = 0;
};

}  // namespace spikeq::io
