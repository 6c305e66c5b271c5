// The frames a state probe takes during one window: shards fill the columns they
// own, the coordinator hands complete rows to the probe when the window ends.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

struct probe_window {
  tick_type first_tick = 0;  // the sample tick of row 0
  tick_type interval = 1;
  // Irregular sample ticks (state_probe::sample_ticks), or nullptr: every interval.
  const std::vector<tick_type>* listed = nullptr;
  std::size_t first_listed = 0;  // index in *listed of row 0
  std::size_t rows = 0;          // samples that fall in the current window
  std::size_t columns = 0;
  std::vector<double> values;                             // rows x columns, row-major
  std::vector<std::vector<std::uint32_t>> shard_columns;  // the columns each shard samples

  // The sample tick of row r.
  tick_type row_tick(std::size_t r) const {
    return listed == nullptr ? first_tick + static_cast<tick_type>(r) * interval
                             : (*listed)[first_listed + r];
  }
  double* row(tick_type tick) {
    if (listed == nullptr)
      return values.data() + static_cast<std::size_t>((tick - first_tick) / interval) * columns;
    const auto begin = listed->begin() + static_cast<std::ptrdiff_t>(first_listed);
    return values.data() +
           static_cast<std::size_t>(std::lower_bound(begin, listed->end(), tick) - begin) * columns;
  }
  // The first sample tick after `tick` (the maximum tick when there is none).
  tick_type next_after(tick_type tick) const {
    if (listed == nullptr) return tick + interval;
    const auto it = std::upper_bound(listed->begin(), listed->end(), tick);
    return it == listed->end() ? std::numeric_limits<tick_type>::max() : *it;
  }
};

}  // namespace spikeq
