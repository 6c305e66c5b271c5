// Conversion between model time in milliseconds and integer ticks.
//
// Invariants: resolution_ms > 0; to_ticks rounds to the nearest tick, so a value
// given in ms on the resolution grid maps exactly onto it.
#pragma once

#include <cmath>

#include "core/types.hpp"

namespace spikeq {

class time_grid {
 public:
  explicit time_grid(double resolution_ms = 0.001) : resolution_ms_(resolution_ms) {}

  double resolution_ms() const { return resolution_ms_; }

  // Nearest tick to a time in ms.
  tick_type to_ticks(double time_ms) const {
    return static_cast<tick_type>(std::llround(time_ms / resolution_ms_));
  }
  // First tick at or after a time in ms (for spike times that must not move earlier).
  tick_type to_ticks_ceil(double time_ms) const {
    const double t = time_ms / resolution_ms_;
    const double r = std::nearbyint(t);
    // Values within rounding noise of a grid point stay on it.
    if (std::abs(t - r) < 1e-9 * std::max(1.0, std::abs(t))) return static_cast<tick_type>(r);
    return static_cast<tick_type>(std::ceil(t));
  }
  double to_ms(tick_type ticks) const { return static_cast<double>(ticks) * resolution_ms_; }

 private:
  double resolution_ms_;
};

}  // namespace spikeq
