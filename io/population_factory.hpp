// Creates the population object for one schema population entry.
#pragma once

#include <memory>

#include "core/population.hpp"
#include "core/time_grid.hpp"
#include "spikeq.pb.h"

namespace spikeq::io {

// REQUIRES: the population has been resolved (defaults filled, validated).
// `index` identifies the population in the random streams.
std::unique_ptr<population> make_population(const config::Population& p, std::uint32_t index, time_grid grid,
                                            std::uint64_t seed);

}  // namespace spikeq::io
