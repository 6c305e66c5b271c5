#include "core/shard_partition.hpp"

#include <algorithm>
#include <cmath>

#include "core/sharded_population.hpp"

namespace spikeq {

std::vector<std::vector<neuron_id_type>> partition_populations(std::span<const population_load> loads,
                                                               std::size_t shards) {
  double total = 0.0;
  for (const population_load& p : loads) total += static_cast<double>(p.size) * p.cost_per_neuron;
  std::vector<std::vector<neuron_id_type>> first;
  first.reserve(loads.size());
  if (!(total > 0.0)) {
    for (const population_load& p : loads) first.push_back(slice_boundaries(p.size, shards));
    return first;
  }
  // Shard s's run ends where the cumulative cost reaches total * (s + 1) / shards.
  double before = 0.0;  // cost of the populations ahead of this one
  for (const population_load& p : loads) {
    std::vector<neuron_id_type> bounds(shards + 1, 0);
    bounds[shards] = p.size;
    for (std::size_t s = 1; s < shards; ++s) {
      const double end = total * static_cast<double>(s) / static_cast<double>(shards) - before;
      neuron_id_type at = 0;
      if (p.cost_per_neuron > 0.0 && end > 0.0) {
        const double neurons = std::round(end / p.cost_per_neuron);
        at = neurons >= static_cast<double>(p.size) ? p.size : static_cast<neuron_id_type>(neurons);
      } else if (end > 0.0) {
        at = p.size;  // a population without a cost goes whole to the shard whose run it is in
      }
      bounds[s] = std::max(at, bounds[s - 1]);
    }
    before += static_cast<double>(p.size) * p.cost_per_neuron;
    first.push_back(std::move(bounds));
  }
  return first;
}

}  // namespace spikeq
