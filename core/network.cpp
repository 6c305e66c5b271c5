#include "core/network.hpp"

#include <algorithm>
#include <limits>

namespace spikeq {

std::uint64_t network::neuron_count() const {
  std::uint64_t n = 0;
  for (const auto& p : populations) n += p->size();
  return n;
}

std::uint64_t network::synapse_count() const {
  std::uint64_t n = 0;
  for (const auto& p : projections) n += p.synapses.synapse_count();
  return n;
}

tick_type network::min_delay() const {
  tick_type d = std::numeric_limits<tick_type>::max();
  for (const auto& p : projections)
    for (const tick_type x : p.synapses.block_delay) d = std::min(d, x);
  return d == std::numeric_limits<tick_type>::max() ? 0 : d;
}

tick_type network::max_delay() const {
  tick_type d = 0;
  for (const auto& p : projections)
    for (const tick_type x : p.synapses.block_delay) d = std::max(d, x);
  return d;
}

int network::find_population(const std::string& name) const {
  for (std::size_t k = 0; k < populations.size(); ++k)
    if (populations[k]->name() == name) return static_cast<int>(k);
  return -1;
}

std::vector<std::vector<std::uint32_t>> network::live_current_sources() const {
  std::vector<std::vector<std::uint32_t>> sources;
  for (std::size_t k = 0; k < currents.size(); ++k) {
    if (!currents[k].live) continue;
    const bool same_source = !sources.empty() && currents[sources.back().back()].name == currents[k].name &&
                             sources.back().back() + 1 == k;
    if (same_source)
      sources.back().push_back(static_cast<std::uint32_t>(k));
    else
      sources.push_back({static_cast<std::uint32_t>(k)});
  }
  return sources;
}

}  // namespace spikeq
