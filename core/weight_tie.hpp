// Projections whose weights follow another projection's (the network schema's
// WeightTie): w_s = scale(t) * w_source(partner[s]). The kernel refreshes every
// tie at each window end, from its coordinating thread while no shard runs, so the
// copies are the same for any thread count; within a window a tied weight holds the
// source's value at the window's start (windows last the smallest delay).
#pragma once

#include <cstdint>
#include <vector>

#include "core/trial_protocol.hpp"
#include "core/types.hpp"

namespace spikeq {

struct network;

// The tied projection's rule: takes the copied weights.
class tied_weight_sink {
 public:
  virtual ~tied_weight_sink() = default;
  virtual void set(std::uint64_t synapse, double weight, tick_type now) = 0;
};

struct weight_tie {
  std::uint32_t projection = 0;  // the tied one (index in network::projections)
  std::uint32_t source = 0;
  std::vector<std::uint64_t> partner;  // per tied synapse: the source synapse it copies
  double scale = 1.0;
  const step_series* scale_schedule = nullptr;  // protocol phases; before its start: scale
  tied_weight_sink* sink = nullptr;
};

// Copies every tie's weights as of `now`.
void refresh_weight_ties(network& net, tick_type now);

}  // namespace spikeq
