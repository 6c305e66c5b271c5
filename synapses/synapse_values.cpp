#include "synapses/synapse_values.hpp"

#include <algorithm>
#include <tuple>

namespace spikeq {

namespace {

// Index of connection i of a row for list and cycle distributions.
std::uint64_t value_index(const distribution& d, std::uint64_t first, std::size_t i,
                          std::span<const std::uint64_t> list_index) {
  if (d.type == distribution::kind::cycle) return i;
  if (d.type == distribution::kind::list && !list_index.empty()) return list_index[i];
  return first + i;
}

// The values of connections [start, start + out.size()) of a row, drawn in order from
// `rng`: a random distribution's a batch at a time (distribution::sample_random, the
// same values, faster).
void draw(const distribution& d, random_stream& rng, std::uint64_t first, std::size_t start,
          std::span<const std::uint64_t> list_index, std::span<double> out) {
  if (d.random()) {
    d.sample_random(rng, out);
    return;
  }
  for (std::size_t j = 0; j < out.size(); ++j)
    out[j] = d.sample(rng, value_index(d, first, start + j, list_index));
}

}  // namespace

void distribution_values::fill(std::uint32_t source, std::uint64_t first,
                               std::span<const std::uint32_t> targets,
                               std::span<const std::uint64_t> list_index, std::span<double> weights,
                               std::span<tick_type> delays) const {
  const std::size_t n = targets.size();
  // Explicit values replace drawn ones, which are drawn all the same.
  random_stream weight_rng(seed_, stream_kind::weight, projection_, source);
  draw(weight_, weight_rng, first, 0, list_index, weights.first(n));
  for (std::size_t i = 0; i < n; ++i)
    if (!list_index.empty() && list_index[i] < list_weight.size() && list_weight[list_index[i]])
      weights[i] = *list_weight[list_index[i]];
  random_stream delay_rng(seed_, stream_kind::delay, projection_, source);
  constexpr std::size_t batch = 256;
  double drawn_ms[batch];
  for (std::size_t start = 0; start < n; start += batch) {
    const std::size_t count = std::min(batch, n - start);
    draw(delay_, delay_rng, first, start, list_index, {drawn_ms, count});
    for (std::size_t j = 0; j < count; ++j) {
      const std::size_t i = start + j;
      double ms = drawn_ms[j];
      if (!list_index.empty() && list_index[i] < list_delay_ms.size() && list_delay_ms[list_index[i]])
        ms = *list_delay_ms[list_index[i]];
      delays[i] = grid_.to_ticks(ms);
      if (delays[i] < 1) {
        note_bad_delay({source, i, ms});
        delays[i] = 1;
      }
    }
  }
}

void distribution_values::note_bad_delay(const bad_delay& bad) const {
  const std::lock_guard lock(bad_mutex_);
  if (!bad_ || std::tie(bad.source, bad.position) < std::tie(bad_->source, bad_->position)) bad_ = bad;
}

std::optional<bad_delay> distribution_values::first_bad_delay() const {
  const std::lock_guard lock(bad_mutex_);
  return bad_;
}

}  // namespace spikeq
