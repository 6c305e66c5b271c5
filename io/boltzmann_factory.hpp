// Builds a boltzmann_sleep_hebbian rule (plasticity/boltzmann_sleep_hebbian.hpp) from
// a projection's plasticity block: the exact target statistics from W*, b* (given or
// drawn from target_seed), the noised amplitudes and the bias access into the
// glm_sampling population. Throws input_error at the offending field.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

std::unique_ptr<plasticity_rule> make_boltzmann_rule(const network_file& file, int k, network& net,
                                                     projection& proj, std::vector<tick_type> apply_ticks);

// Per storage index the synapse's canonical id (its position in canonical_order),
// which does not depend on the shard layout: the key of per-synapse random draws.
std::vector<std::uint64_t> canonical_synapse_ids(const synapse_table& table);

}  // namespace spikeq::io
