// Spike source emitting explicitly given spike times, one train per neuron.
#pragma once

#include <vector>

#include "core/population.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

class spike_generator final : public population {
 public:
  // spike_ticks[n] is neuron n's train (any order; sorted and deduplicated here).
  spike_generator(std::string name, std::vector<std::vector<tick_type>> spike_ticks);
};

}  // namespace spikeq
