#include "core/post_index.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/huge_pages.hpp"

namespace spikeq {

post_index build_post_index(const synapse_table& table, std::uint32_t n_targets,
                            std::span<const tick_type> dendritic_ticks) {
  std::vector<tick_type> offsets(dendritic_ticks.size());
  std::transform(dendritic_ticks.begin(), dendritic_ticks.end(), offsets.begin(),
                 [](tick_type d) { return 2 * d; });
  return build_post_index_at_offsets(table, n_targets, offsets);
}

post_index build_post_index_at_offsets(const synapse_table& table, std::uint32_t n_targets,
                                       std::span<const tick_type> offset_ticks) {
  const std::uint64_t n = table.synapse_count();
  if (!offset_ticks.empty() && offset_ticks.size() != n)
    throw std::invalid_argument("build_post_index: one offset per synapse is required");
  const auto offset_of = [&](std::uint64_t s) { return offset_ticks.empty() ? 0 : offset_ticks[s]; };

  // Counting sort by target keeps table order (ascending index) within a target.
  std::vector<std::uint64_t> first(n_targets + 1, 0);
  for (std::uint64_t s = 0; s < n; ++s) ++first[table.target[s] + 1];
  for (std::uint32_t t = 0; t < n_targets; ++t) first[t + 1] += first[t];
  std::vector<std::uint64_t> by_target(n);
  {
    std::vector<std::uint64_t> next(first.begin(), first.end() - 1);
    for (std::uint64_t s = 0; s < n; ++s) by_target[next[table.target[s]]++] = s;
  }

  post_index index;
  reserve_in_huge_pages(index.synapse, n);
  index.target_first_block.reserve(n_targets + 1);
  index.block_first.push_back(0);
  for (std::uint32_t t = 0; t < n_targets; ++t) {
    index.target_first_block.push_back(index.block_offset.size());
    auto begin = by_target.begin() + static_cast<std::ptrdiff_t>(first[t]);
    auto end = by_target.begin() + static_cast<std::ptrdiff_t>(first[t + 1]);
    if (!offset_ticks.empty())
      std::stable_sort(begin, end,
                       [&](std::uint64_t a, std::uint64_t b) { return offset_of(a) < offset_of(b); });
    for (auto it = begin; it != end;) {
      const tick_type offset = offset_of(*it);
      for (; it != end && offset_of(*it) == offset; ++it) index.synapse.push_back(*it);
      index.block_offset.push_back(offset);
      index.block_first.push_back(index.synapse.size());
    }
  }
  index.target_first_block.push_back(index.block_offset.size());
  return index;
}

}  // namespace spikeq
