// A scalar distribution for per-neuron and per-synapse values (initial states,
// weights, delays), sampled from a caller-owned counter-based stream.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/random_stream.hpp"

namespace spikeq {

struct distribution {
  enum class kind { constant, uniform, normal, list, cycle };
  kind type = kind::constant;
  double a = 0.0;                  // constant value, uniform low, normal mean, cycle low
  double b = 0.0;                  // uniform high, normal std, cycle high
  double step = 1.0;               // cycle step
  std::optional<double> min, max;  // normal: redraw outside [min, max]
  std::vector<double> values;      // list

  // Value of the element at position `index` (creation order; used by list and
  // cycle), drawing from `rng` when the distribution is random.
  double sample(random_stream& rng, std::uint64_t index) const;

  // Whether values are drawn from the stream (and do not depend on their index).
  bool random() const { return type == kind::uniform || type == kind::normal; }
  // The values of out.size() consecutive elements, as many sample() calls would give
  // them, drawing as much from `rng`; faster for a normal distribution
  // (random_stream::normals).
  // REQUIRES: random().
  void sample_random(random_stream& rng, std::span<double> out) const;

 private:
  bool within_bounds(double x) const { return (!min || x >= *min) && (!max || x <= *max); }
  double mean_clipped_to_bounds() const;
};

}  // namespace spikeq
