// The identity of a network for checkpoints: a 64-bit FNV-1a hash of the resolved
// description (io/resolve.hpp) with its stop time left out, so that a checkpoint
// can be resumed to another t_stop but never into another network or seed.
#pragma once

#include <cstdint>

#include "spikeq.pb.h"

namespace spikeq::io {

// REQUIRES: `network` resolved (resolve_network).
std::uint64_t network_hash(const config::Network& network);

}  // namespace spikeq::io
