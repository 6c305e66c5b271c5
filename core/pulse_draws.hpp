// The random picks of every random pulse source for the occurrences of one window,
// drawn before the shards advance, spread over the threads by occurrence, and
// grouped by the shard that owns the picked neuron, so that no shard repeats the
// draws or scans picks it does not own. The picks of occurrence o come from the
// stream (seed, stimulus, source, o), so they are the same for any shard count;
// within a shard they keep their draw order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/network.hpp"
#include "core/shard_layout.hpp"

namespace spikeq {

// Where each shard's neurons lie in a source's concatenated target space.
struct pulse_owners {
  std::vector<std::uint64_t> segment_start;  // ascending; segment k ends where k + 1 starts
  std::vector<std::uint32_t> segment_shard;
  std::uint64_t choices = 0;  // size of the target space (or of the neuron list)

  pulse_owners(const random_pulse_source& src, const network& net, const shard_layout& layout);
  std::uint32_t owner(std::uint64_t pick) const;
};

struct pulse_draws {
  std::uint64_t first_occurrence = 0;  // of the current window
  std::uint64_t occurrences = 0;
  std::size_t shards = 1;
  std::vector<std::uint64_t> picks;         // occurrences x count, grouped by shard per occurrence
  std::vector<std::uint32_t> shard_offset;  // occurrences x (shards + 1), relative to the occurrence

  // The picks of `occurrence` that `shard` owns, in draw order.
  std::span<const std::uint64_t> of(std::uint64_t occurrence, std::uint32_t count, std::size_t shard) const {
    const std::uint64_t o = occurrence - first_occurrence;
    const std::uint32_t* off = shard_offset.data() + o * (shards + 1);
    return {picks.data() + o * count + off[shard], off[shard + 1] - off[shard]};
  }
};

// The occurrences of `src` with ticks in [window_start, window_end) and <= t_stop.
void plan_pulse_window(const random_pulse_source& src, tick_type window_start, tick_type window_end,
                       tick_type t_stop, std::size_t shards, pulse_draws& draws);
// Draws the picks of occurrences [first, first + n) of the planned window.
void draw_pulses(const random_pulse_source& src, std::uint64_t seed, const pulse_owners& owners,
                 std::uint64_t first, std::uint64_t n, pulse_draws& draws);

}  // namespace spikeq
