#include "core/synapse_table.hpp"

#include <algorithm>
#include <bit>
#include <numeric>
#include <tuple>

namespace spikeq {

std::optional<weight_type> shared_weight(const synapse_table& table) {
  if (table.weight.empty()) return std::nullopt;
  const auto bits = std::bit_cast<std::uint32_t>(table.weight.front());
  const bool shared = std::all_of(table.weight.begin(), table.weight.end(),
                                  [&](weight_type w) { return std::bit_cast<std::uint32_t>(w) == bits; });
  return shared ? std::optional<weight_type>(table.weight.front()) : std::nullopt;
}

std::vector<std::uint64_t> canonical_order(const synapse_table& table) {
  std::vector<std::uint64_t> order(table.synapse_count());
  std::iota(order.begin(), order.end(), std::uint64_t{0});
  if (table.shards == 1) return order;
  std::vector<tick_type> delay(table.synapse_count());
  for (std::uint32_t b = 0; b < table.block_delay.size(); ++b)
    for (std::uint64_t e = table.block_first_synapse[b]; e < table.block_first_synapse[b + 1]; ++e)
      delay[e] = table.block_delay[b];
  for (std::uint32_t s = 0; s < table.source_count(); ++s) {
    const auto first = static_cast<std::ptrdiff_t>(table.block_first_synapse[table.source_begin(s)]);
    const auto last = static_cast<std::ptrdiff_t>(table.block_first_synapse[table.source_end(s)]);
    // Within a shard the run is already in (delay, target, creation) order, and equal
    // (delay, target) pairs never span shards, so the stable sort is the merge.
    std::stable_sort(order.begin() + first, order.begin() + last, [&](std::uint64_t x, std::uint64_t y) {
      return std::tie(delay[x], table.target[x]) < std::tie(delay[y], table.target[y]);
    });
  }
  return order;
}

}  // namespace spikeq
