// Base for populations that only emit spikes (generators): they take no synaptic
// input and no injected current; the builder rejects both, so a call is a bug.
#pragma once

#include <stdexcept>
#include <string>

#include "core/population.hpp"

namespace spikeq {

class spike_source : public population {
 public:
  using population::population;

  void receive(tick_type, receptor_type, std::span<const neuron_id_type>, std::span<const weight_type>,
               population_output&) final {
    throw std::logic_error(std::string(model()) + " '" + name() + "' takes no synaptic input");
  }
  void set_current(tick_type, std::span<const neuron_id_type>, double, population_output&) final {
    throw std::logic_error(std::string(model()) + " '" + name() + "' takes no current");
  }
  // A source that keeps no state of its own (its next spikes are wake-ups in the
  // kernel's queue); generators with state override this.
  void state(state_archive& ar) override {
    ar.begin_section(model());
    ar.expect(size(), "neurons");
    ar.end_section();
  }
};

}  // namespace spikeq
