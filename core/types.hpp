// Scalar vocabulary shared by every spikeq module.
//
// Simulation time is an integer count of ticks of the network's base resolution
// (default 1 us), so events order exactly and reproducibly. Conversions between
// milliseconds and ticks live in time_grid, never inline arithmetic.
#pragma once

#include <cstdint>

namespace spikeq {

using tick_type = std::int64_t;
using neuron_id_type = std::uint32_t;         // index within one population
using global_neuron_id_type = std::uint32_t;  // index over all populations of a network
using synapse_index_type = std::uint64_t;
using weight_type = float;

// Which synaptic input channel of the target neuron a projection feeds. The
// dendritic channels exist only on two-compartment neurons (neurons/glm_pyramidal.hpp).
enum class receptor_type : std::uint8_t {
  excitatory = 0,
  inhibitory = 1,
  basal = 2,
  apical = 3,
  apical_interneuron = 4
};

}  // namespace spikeq
