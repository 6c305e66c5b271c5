// Gathers the weights a rule keeps inside its per-synapse records into one array,
// for plasticity_rule::weights() (recording, not hot paths).
#pragma once

#include <span>
#include <vector>

namespace spikeq::plasticity {

template <typename Record>
std::span<const double> gather_weights(const std::vector<Record>& records, std::vector<double>& out) {
  out.resize(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) out[i] = records[i].w;
  return out;
}

}  // namespace spikeq::plasticity
