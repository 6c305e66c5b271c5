// A spike source without dynamics of its own: its spikes come from outside the model
// (a live client, a replayed recording) and enter the network at the window exchange
// like every other population's (core/external_input.hpp). Silent when nothing feeds it.
#pragma once

#include "neurons/spike_source.hpp"

namespace spikeq {

class live_spike_source final : public spike_source {
 public:
  using spike_source::spike_source;
  std::string_view model() const override { return "live_spike_source"; }
};

}  // namespace spikeq
