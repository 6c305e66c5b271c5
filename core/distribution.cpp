#include "core/distribution.hpp"

#include <algorithm>
#include <cmath>

namespace spikeq {

namespace {

constexpr int most_normal_attempts = 1000;

}  // namespace

double distribution::sample(random_stream& rng, std::uint64_t index) const {
  switch (type) {
    case kind::constant:
      return a;
    case kind::uniform:
      return rng.uniform(a, b);
    case kind::normal: {
      // Redraw outside the bounds (NEST's normal_clipped draws until inside); after
      // many misses the bounds are clearly mis-set for this mean, so clip.
      for (int attempt = 0; attempt < most_normal_attempts; ++attempt) {
        const double x = a + b * rng.normal();
        if (within_bounds(x)) return x;
      }
      return mean_clipped_to_bounds();
    }
    case kind::list:
      return values[index];
    case kind::cycle: {
      const auto count = static_cast<std::uint64_t>(std::floor((b - a) / step + 1e-9)) + 1;
      return a + static_cast<double>(index % count) * step;
    }
  }
  return a;
}

double distribution::mean_clipped_to_bounds() const {
  double x = a;
  if (min) x = std::max(x, *min);
  if (max) x = std::min(x, *max);
  return x;
}

void distribution::sample_random(random_stream& rng, std::span<double> out) const {
  if (type == kind::uniform) {
    for (double& value : out) value = rng.uniform(a, b);
    return;
  }
  // Each value still missing takes at least one more normal, so drawing as many as
  // are missing never draws one that sample() would not have.
  constexpr std::size_t batch = 256;
  double normals[batch];
  std::size_t done = 0;
  int attempts = 0;  // of out[done]
  while (done < out.size()) {
    const std::size_t n = std::min(batch, out.size() - done);
    rng.normals({normals, n});
    for (std::size_t j = 0; j < n; ++j) {
      const double x = a + b * normals[j];
      if (within_bounds(x)) {
        out[done++] = x;
        attempts = 0;
      } else if (++attempts == most_normal_attempts) {
        out[done++] = mean_clipped_to_bounds();
        attempts = 0;
      }
    }
  }
}

}  // namespace spikeq
