// Spike source emitting explicitly given spike times, one train per neuron.
#pragma once

#include <vector>

#include "core/time_grid.hpp"
#include "neurons/spike_source.hpp"

namespace spikeq {

class spike_generator final : public spike_source {
 public:
  // spike_ticks[n] is neuron n's train (any order; sorted and deduplicated here).
  spike_generator(std::string name, std::vector<std::vector<tick_type>> spike_ticks);

  std::string_view model() const override { return "spike_generator"; }
  void start(population_output& out) override;
  void wakeup(tick_type now, neuron_id_type neuron, std::uint32_t version, population_output& out) override;

 private:
  std::vector<std::vector<tick_type>> ticks_;
};

}  // namespace spikeq
