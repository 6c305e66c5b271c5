// Per-trial mean errors of a readout layer, the third factor that hidden layers
// trained by direct feedback alignment receive (plasticity/feedback_alignment.hpp).
// The rule that trains the readout writes row n when it consolidates trial n; a
// hidden-layer rule reads it at least one kernel window later. The window barrier
// orders every write before every read, so no row is read while it is written and
// the values seen do not depend on the thread count. Rows are allocated once
// (before the run) and never move.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "core/state_archive.hpp"

namespace spikeq {

class trial_error_table {
 public:
  // Room for `trials` rows of `width` errors (a readout's neuron count); no-op
  // when already that size, so several readers may ask for it.
  void reserve(std::size_t trials, std::size_t width) {
    if (trials == trials_ && width == width_) return;
    trials_ = trials;
    width_ = width;
    errors_.assign(trials * width, 0.0);
  }
  bool active() const { return trials_ > 0; }
  std::size_t width() const { return width_; }
  void publish(std::size_t trial, std::span<const double> errors) {
    std::copy(errors.begin(), errors.end(), errors_.begin() + static_cast<std::ptrdiff_t>(trial * width_));
  }
  std::span<const double> row(std::size_t trial) const {
    return std::span<const double>(errors_).subspan(trial * width_, width_);
  }
  void state(state_archive& ar) {
    ar.expect(trials_, "published trial errors (trials)");
    ar.expect(width_, "published trial errors (readout neurons)");
    ar.block(errors_);
    if (errors_.size() != trials_ * width_) ar.fail("published trial errors: block length disagrees");
  }

 private:
  std::size_t trials_ = 0, width_ = 0;
  std::vector<double> errors_;
};

}  // namespace spikeq
