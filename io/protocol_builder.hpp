// Expands the network file's trial protocol (config::Protocol) and target series
// into the built network: the trial schedule, gate and teacher signals of
// net.protocol (core/trial_protocol.hpp), cue and outcome stimuli as current
// schedules, and the links from linear_readout neurons to their teacher signals.
#pragma once

#include "core/network.hpp"
#include "io/network_file.hpp"

namespace spikeq::io {

// REQUIRES: populations built, validation passed. Throws input_error for teacher
// signals that overlap on one neuron.
void build_protocol(const network_file& file, network& net);

}  // namespace spikeq::io
