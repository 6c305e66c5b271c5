#include "core/spike_exchange.hpp"

#include <algorithm>

namespace spikeq {

std::span<const emitted_spike> in_process_spike_exchange::exchange(
    std::span<std::vector<emitted_spike>* const> outboxes) {
  merged_.clear();
  for (auto* box : outboxes) {
    merged_.insert(merged_.end(), box->begin(), box->end());
    box->clear();
  }
  // Equal records are the same neuron spiking twice at one tick: indistinguishable,
  // so an unstable sort still gives one canonical list.
  std::sort(merged_.begin(), merged_.end());
  return merged_;
}

}  // namespace spikeq
