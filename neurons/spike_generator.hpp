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

  std::string_view model() const override { return "spike_generator"; }
  bool is_source() const override { return true; }
  void start(population_output& out) override;
  void wakeup(tick_type now, neuron_id_type neuron, std::uint32_t version, population_output& out) override;
  void receive(tick_type, receptor_type, std::span<const neuron_id_type>, std::span<const weight_type>,
               population_output&) override;
  void set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) override;

 private:
  std::vector<std::vector<tick_type>> ticks_;
};

}  // namespace spikeq
