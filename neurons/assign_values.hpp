// Setting a per-neuron value for chosen neurons, as current sources do.
#pragma once

#include <algorithm>
#include <span>

#include "core/types.hpp"

namespace spikeq {

// values[n] = value for each n in `neurons`, or for every neuron when `neurons` is empty.
inline void assign_values(std::span<double> values, std::span<const neuron_id_type> neurons, double value) {
  if (neurons.empty()) {
    std::fill(values.begin(), values.end(), value);
  } else {
    for (const auto n : neurons) values[n] = value;
  }
}

}  // namespace spikeq
