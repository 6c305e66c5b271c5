// Independent Poisson spike trains (NEST poisson_generator semantics, but one
// independent train per neuron of the population, like PyNN's SpikeSourcePoisson).
// Spike times are drawn in continuous time from the counter-based stream keyed by
// (seed, population, neuron) and placed on the first tick at or after them.
#pragma once

#include <cstdint>

#include "core/population.hpp"
#include "core/time_grid.hpp"

namespace spikeq {

struct poisson_generator_parameters {
  double rate_Hz = 0.0;
  double start_ms = 0.0;
  double stop_ms = 1e300;  // no stop
};

class poisson_generator final : public population {
 public:
  // `stream_object` identifies this population in the random streams.
  poisson_generator(std::string name, neuron_id_type size, const poisson_generator_parameters& p,
                    time_grid grid, std::uint64_t seed, std::uint32_t stream_object);
};

}  // namespace spikeq
