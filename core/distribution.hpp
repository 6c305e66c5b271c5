// A scalar distribution for per-neuron and per-synapse values (initial states,
// weights, delays), sampled from a caller-owned counter-based stream.
#pragma once

#include <cstdint>
#include <optional>
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
};

}  // namespace spikeq
