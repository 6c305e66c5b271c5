// The step between two windows: the spikes every shard emitted during the window
// become one list, in one canonical order, that every shard then reads to schedule
// the deliveries to the neurons it owns. In one process this is a merge of the
// shards' outboxes; across processes (MPI ranks, later) it is an all-gather that
// must produce the same list. The kernel knows only this interface.
#pragma once

#include <compare>
#include <cstdint>
#include <span>
#include <vector>

#include "core/types.hpp"

namespace spikeq {

struct emitted_spike {
  tick_type tick = 0;
  std::uint32_t population = 0;
  neuron_id_type neuron = 0;  // index in the population

  friend auto operator<=>(const emitted_spike&, const emitted_spike&) = default;
};

class spike_exchange {
 public:
  virtual ~spike_exchange() = default;
  // Returns every spike of `outboxes` ordered by (tick, population, neuron); valid
  // until the next call. Clears the outboxes.
  virtual std::span<const emitted_spike> exchange(std::span<std::vector<emitted_spike>* const> outboxes) = 0;
};

class in_process_spike_exchange final : public spike_exchange {
 public:
  std::span<const emitted_spike> exchange(std::span<std::vector<emitted_spike>* const> outboxes) override;

 private:
  std::vector<emitted_spike> merged_;
};

}  // namespace spikeq
