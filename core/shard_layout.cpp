#include "core/shard_layout.hpp"

#include <stdexcept>

#include "core/sharded_population.hpp"

namespace spikeq {

shard_layout::shard_layout(network& net, std::size_t shards) : shards_(shards) {
  shares_.resize(net.populations.size() * shards);
  for (std::uint32_t k = 0; k < net.populations.size(); ++k) {
    population& pop = *net.populations[k];
    auto* split = dynamic_cast<sharded_population*>(&pop);
    if (split == nullptr) {
      shares_[k * shards] = {&pop, 0, pop.size()};
      for (std::size_t s = 1; s < shards; ++s) shares_[k * shards + s] = {nullptr, pop.size(), pop.size()};
      continue;
    }
    if (split->slice_count() > shards)
      throw std::logic_error("population '" + pop.name() + "' is split into " +
                             std::to_string(split->slice_count()) + " slices but the kernel runs " +
                             std::to_string(shards) + " shards");
    for (std::size_t s = 0; s < shards; ++s) {
      if (s < split->slice_count()) {
        const neuron_id_type first = split->first(s), end = split->first(s + 1);
        shares_[k * shards + s] = {first == end ? nullptr : &split->slice(s), first, end};
      } else {
        shares_[k * shards + s] = {nullptr, pop.size(), pop.size()};
      }
    }
  }
}

std::size_t shard_layout::owner(std::uint32_t population, neuron_id_type n) const {
  for (std::size_t s = 0; s < shards_; ++s) {
    const auto& sh = share(population, s);
    if (n >= sh.first && n < sh.end) return s;
  }
  throw std::out_of_range("neuron " + std::to_string(n) + " is owned by no shard");
}

}  // namespace spikeq
