// The static input of one window's exchanged spikes, added into the target slices'
// input rings (core/input_ring.hpp) in two passes: the blocks are listed first and
// added second, in the same (spike, projection, block) order, so the per-neuron sums
// are the same. Splitting the passes lets the blocks a few places ahead be
// prefetched: each block starts at an unpredictable place in a table larger than the
// caches, and while one block's adds run, the CPU's window does not reach the next
// block's loads (CUBA: a fifth of the run went to the first touch of each block).
#pragma once

#include <cstdint>
#include <vector>

#include "core/input_sums.hpp"
#include "core/synapse_table.hpp"
#include "core/types.hpp"

namespace spikeq {

class ring_delivery {
 public:
  // Lists synapses [first, last) of `table`, to be added to `slot` with target
  // indices less `offset` (the slice's first neuron).
  void list(const synapse_table& table, std::uint64_t first, std::uint64_t last, receptor_type receptor,
            neuron_id_type offset, input_sums& slot) {
    blocks_.push_back({table.target.data() + first, table.weight.data() + first,
                       static_cast<std::uint32_t>(last - first), receptor, offset, &slot});
  }

  // Adds every listed block in listing order, then forgets them.
  void add_all();

 private:
  struct listed_block {
    const neuron_id_type* targets;
    const weight_type* weights;
    std::uint32_t size;
    receptor_type receptor;
    neuron_id_type offset;
    input_sums* slot;
  };
  std::vector<listed_block> blocks_;
};

}  // namespace spikeq
