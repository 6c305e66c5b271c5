// The frames a state probe takes during one window: shards fill the columns they
// own, the coordinator hands complete rows to the probe when the window ends.
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

struct probe_window {
  tick_type first_tick = 0;  // the sample tick of row 0
  tick_type interval = 1;
  std::size_t rows = 0;  // samples that fall in the current window
  std::size_t columns = 0;
  std::vector<double> values;                             // rows x columns, row-major
  std::vector<std::vector<std::uint32_t>> shard_columns;  // the columns each shard samples

  double* row(tick_type tick) {
    return values.data() + static_cast<std::size_t>((tick - first_tick) / interval) * columns;
  }
};

}  // namespace spikeq
