#include "core/pulse_draws.hpp"

#include <algorithm>

#include "core/random_stream.hpp"

namespace spikeq {

pulse_owners::pulse_owners(const random_pulse_source& src, const network& net, const shard_layout& layout) {
  std::uint64_t offset = 0;
  for (const std::uint32_t t : src.target_populations) {
    for (std::size_t s = 0; s < layout.shard_count(); ++s) {
      const population_share& share = layout.share(t, s);
      if (share.empty()) continue;
      segment_start.push_back(offset + share.first);
      segment_shard.push_back(static_cast<std::uint32_t>(s));
    }
    offset += net.populations[t]->size();
  }
  choices = src.neurons.empty() ? offset : src.neurons.size();
}

std::uint32_t pulse_owners::owner(std::uint64_t pick) const {
  // Few segments (populations x shards) and random picks: a branch-free count beats
  // a binary search, whose every comparison is a coin toss for the branch predictor.
  std::size_t k = 0;
  for (const std::uint64_t start : segment_start) k += pick >= start;
  return segment_shard[k - 1];
}

void plan_pulse_window(const random_pulse_source& src, tick_type window_start, tick_type window_end,
                       tick_type t_stop, std::size_t shards, pulse_draws& draws) {
  const tick_type end = std::min({window_end, src.stop, t_stop + 1});
  const tick_type from = std::max(window_start, src.start);
  draws.first_occurrence = static_cast<std::uint64_t>((from - src.start + src.interval - 1) / src.interval);
  const tick_type first_tick = src.start + static_cast<tick_type>(draws.first_occurrence) * src.interval;
  draws.occurrences =
      first_tick >= end ? 0 : static_cast<std::uint64_t>((end - 1 - first_tick) / src.interval + 1);
  draws.shards = shards;
  draws.picks.resize(draws.occurrences * src.count);
  draws.shard_offset.resize(draws.occurrences * (shards + 1));
}

void draw_pulses(const random_pulse_source& src, std::uint64_t seed, const pulse_owners& owners,
                 std::uint64_t first, std::uint64_t n, pulse_draws& draws) {
  thread_local std::vector<std::uint64_t> drawn;
  thread_local std::vector<std::uint32_t> owner;
  drawn.resize(src.count);
  owner.resize(src.count);
  const std::size_t shards = draws.shards;
  for (std::uint64_t o = first; o < first + n; ++o) {
    // Occurrences are counted in 32 bits in the streams (as the kernel always has).
    random_stream rng(seed, stream_kind::stimulus, src.stream_object, static_cast<std::uint32_t>(o));
    for (std::uint32_t k = 0; k < src.count; ++k) {
      const std::uint64_t pick = rng.below(owners.choices);
      drawn[k] = src.neurons.empty() ? pick : src.neurons[pick];
    }
    const std::uint64_t row = o - draws.first_occurrence;
    std::uint64_t* out = draws.picks.data() + row * src.count;
    std::uint32_t* off = draws.shard_offset.data() + row * (shards + 1);
    if (shards == 1) {
      std::copy(drawn.begin(), drawn.end(), out);
      off[0] = 0;
      off[1] = src.count;
      continue;
    }
    // Counting sort by owning shard, stable: each shard keeps the draw order.
    std::fill(off, off + shards + 1, 0u);
    for (std::uint32_t k = 0; k < src.count; ++k) {
      owner[k] = owners.owner(drawn[k]);
      ++off[owner[k] + 1];
    }
    for (std::size_t s = 0; s < shards; ++s) off[s + 1] += off[s];
    thread_local std::vector<std::uint32_t> fill;
    fill.assign(off, off + shards);
    for (std::uint32_t k = 0; k < src.count; ++k) out[fill[owner[k]]++] = drawn[k];
  }
}

}  // namespace spikeq
