// Which shard owns which neurons. Every population is split into contiguous
// ranges, one per shard and some possibly empty (a sharded_population's slices, cut
// by core/shard_partition.hpp; a plain population is owned whole by shard 0). A
// shard owns the synapses ending on its neurons and all plastic state of those
// synapses, so shards never write the same memory.
#pragma once

#include <cstdint>
#include <vector>

#include "core/network.hpp"

namespace spikeq {

// The part of one population that one shard owns.
struct population_share {
  population* slice = nullptr;  // null when the shard owns none of its neurons
  neuron_id_type first = 0;     // population indices [first, end)
  neuron_id_type end = 0;
  bool empty() const { return first == end; }
};

class shard_layout {
 public:
  // Throws std::logic_error when a population was split into more slices than
  // there are shards (the network was built for another thread count).
  shard_layout(network& net, std::size_t shards);

  std::size_t shard_count() const { return shards_; }
  const population_share& share(std::uint32_t population, std::size_t shard) const {
    return shares_[population * shards_ + shard];
  }
  // The shard that owns neuron `n` of `population`.
  std::size_t owner(std::uint32_t population, neuron_id_type n) const;

 private:
  std::size_t shards_;
  std::vector<population_share> shares_;  // population-major
};

}  // namespace spikeq
